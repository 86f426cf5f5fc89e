"""create_app(settings): the pseudonymiser's process (consumers, outbox relay, health API, key check)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from leap_contracts.delivery import logs
from leap_contracts.delivery.health import DeliveryMetrics, health_router
from leap_contracts.http import harden

from leap_pseudonymiser import bootstrap
from leap_pseudonymiser.api.key_check import key_check_router
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
    app.include_router(key_check_router(settings))
    return harden(app, internal_port=settings.internal_port, forwarded_allow_ips=settings.forwarded_allow_ips)
