"""create_app(settings): the pseudonymiser's process (consumers, outbox relay, health API, key check)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from leap_contracts.delivery import logs
from leap_contracts.delivery.health import DeliveryMetrics, health_router
from leap_contracts.http import harden
from leap_contracts.pseudonymisation import SPEC_VERSION, key_check_value

from leap_pseudonymiser import bootstrap
from leap_pseudonymiser.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    logs.configure()
    metrics = DeliveryMetrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with bootstrap.running(settings, metrics) as running:
            app.state.running = running
            try:
                yield
            finally:
                app.state.running = None

    app = FastAPI(title="LEAP pseudonymiser", version="0.1.0", lifespan=lifespan)
    app.state.running = None  # a bootstrap.Running while the process runs
    app.include_router(health_router(metrics.registry, pool=lambda: getattr(app.state.running, "pool", None),
                                     messaging=lambda: getattr(app.state.running, "messaging", None)))

    @app.get("/key-check")
    async def key_check() -> dict[str, Any]:
        """The key id and check value, so a provider can confirm it holds the same key."""
        return {"key_id": settings.key_id, "key_check_value": key_check_value(settings.key_bytes),
                "spec_version": SPEC_VERSION,
                "previous_keys": [{"key_id": t.key_id, "key_check_value": t.key_check_value}
                                  for t in settings.previous_tokenisers]}

    return harden(app, internal_port=settings.internal_port, forwarded_allow_ips=settings.forwarded_allow_ips)
