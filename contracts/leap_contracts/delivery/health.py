"""What every service exposes for operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import contextlib
import os
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


def health_router(registry: CollectorRegistry, *, pool: Callable[[], Any], broker: Callable[[], Any] | None = None,
                  details: Callable[[], dict] = dict) -> APIRouter:
    """``/health/live``, ``/health/ready`` (database, and broker when given, answer) and ``/metrics``.

    ``pool`` and ``broker`` return the live objects, or None before start-up and after shut-down.
    """
    router = APIRouter(tags=["health"])

    @router.get("/health/live")
    async def live() -> dict:
        return {"status": "ok"}

    @router.get("/health/ready")
    async def ready(response: Response) -> dict:
        checks = {"database": False}
        with contextlib.suppress(Exception):
            checks["database"] = pool() is not None and bool(await pool().fetchval("SELECT true"))
        if broker is not None:
            checks["broker"] = False
            with contextlib.suppress(Exception):
                checks["broker"] = broker() is not None and bool(await broker().ping(timeout=2.0))
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
            multiprocess.MultiProcessCollector(shown)
        return Response(generate_latest(shown), media_type="text/plain; version=0.0.4")

    return router
