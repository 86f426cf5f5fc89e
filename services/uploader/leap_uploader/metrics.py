"""Prometheus metrics of one app instance (its own registry, so tests can build many apps)."""

from __future__ import annotations

from prometheus_client import Counter

from leap_contracts.delivery.health import DeliveryMetrics


class Metrics(DeliveryMetrics):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.uploads = Counter("uploads", "Upload requests by outcome", ["outcome"], registry=self.registry)
