"""Prometheus metrics of one app instance (its own registry, so tests can build many apps)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.processed = Counter("messages_processed", "Messages handled", ["topic"], registry=r)
        self.dead_letters = Counter("dead_letters", "Messages sent to a dead-letter topic", ["topic"], registry=r)
        self.uploads = Counter("uploads", "Upload requests by outcome", ["outcome"], registry=r)
