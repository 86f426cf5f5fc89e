"""What every service exposes for operations: liveness, readiness and Prometheus metrics; and the back-off
with which its long-running tasks recover, since readiness reports whether they do."""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Response
from prometheus_client import CollectorRegistry, Counter, generate_latest, multiprocess


@dataclass
class DeliveryMetrics:
    """The delivery counters, in a registry of the app's own (so tests can build many apps)."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.processed = Counter("messages_processed", "Messages handled", ["topic"], registry=self.registry)
        self.dead_letters = Counter("dead_letters", "Messages sent to a dead-letter topic", ["topic"],
                                    registry=self.registry)


class Backoff:
    """Bounded exponential back-off with jitter, for a task that lost its database or broker.

    The n-th consecutive failure waits between half and all of ``first * 2**(n-1)`` seconds, never more than
    ``cap``: growing, so a server that is down is not hammered; bounded, so work resumes soon after it is back;
    jittered, so the instances that lost the same server do not all retry in step.
    """

    def __init__(self, first: float = 0.5, cap: float = 30.0, *, rng: Callable[[], float] = random.random) -> None:
        self.first, self.cap, self._rng = first, cap, rng
        self.failures = 0

    def next_delay(self) -> float:
        """Count one more failure; the seconds to wait before the next attempt."""
        self.failures += 1
        ceiling = min(self.cap, self.first * 2 ** min(self.failures - 1, 32))  # the exponent's bound avoids overflow
        return float(ceiling * (1 + self._rng()) / 2)

    def reset(self) -> None:
        """The task works again: its next failure starts from ``first``."""
        self.failures = 0


def health_router(registry: CollectorRegistry, *, pool: Callable[[], Any], messaging: Callable[[], Any] | None = None,
                  details: Callable[[], dict[str, Any]] = dict) -> APIRouter:
    """``/health/live``, ``/health/ready`` and ``/metrics``.

    Ready means the database answers and, when ``messaging`` is given, the broker answers and the messaging's
    long-running tasks run (``leap_contracts.delivery.runtime.Messaging.checks``: consumers, outbox relay).
    ``pool`` and ``messaging`` return the live objects, or None before start-up and after shut-down.
    """
    router = APIRouter(tags=["health"])

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready")
    async def ready(response: Response) -> dict[str, Any]:
        checks = {"database": False}
        with contextlib.suppress(Exception):
            checks["database"] = pool() is not None and bool(await pool().fetchval("SELECT true"))
        running = messaging() if messaging is not None else None
        if messaging is not None:
            checks["broker"] = False
            with contextlib.suppress(Exception):
                checks["broker"] = running is not None and bool(await running.broker.ping(timeout=2.0))
        if running is not None:
            checks.update(running.checks())
        ok = all(checks.values())
        if not ok:
            response.status_code = 503
        return {"status": "ready" if ok else "not ready", "checks": checks, **details()}

    @router.get("/metrics")
    async def metrics() -> Response:
        """The service's metrics; with several worker processes (``PROMETHEUS_MULTIPROC_DIR`` set before
        they started) the sum of all of them, whichever worker answers."""
        shown = registry
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            shown = CollectorRegistry()
            # prometheus_client leaves this constructor unannotated
            multiprocess.MultiProcessCollector(shown)  # type: ignore[no-untyped-call]
        return Response(generate_latest(shown), media_type="text/plain; version=0.0.4")

    return router
