"""create_app(settings): the matcher's process (consumer, outbox relay, health API)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from leap_contracts import topics
from leap_contracts.delivery.runtime import messaging
from leap_contracts.delivery import logs
from leap_contracts.delivery.health import DeliveryMetrics, health_router

from leap_matcher import bootstrap, edge, gc_tuning
from leap_matcher.adapters import database
from leap_matcher.service.tolerant_handlers import tolerant_messaging
from leap_matcher.settings import Settings

GROUP_ID = "leap-matcher"


def create_app(settings: Settings) -> FastAPI:
    logs.configure()
    metrics = DeliveryMetrics()
    state: dict = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await database.create_pool(settings.database_url.get_secret_value(), max_size=settings.pool_size)
        await database.migrate(pool)
        gc_tuning.tune()
        services = bootstrap.build(settings, pool)
        try:
            async with messaging(bootstrap=settings.kafka_bootstrap, topic_prefix=settings.topic_prefix,
                                 group_id=GROUP_ID, pool=pool, metrics=metrics, max_attempts=settings.max_attempts,
                                 handlers=services.matcher.handlers,
                                 consumers={topics.RECORDS_PSEUDONYMISED.name: settings.consumers}) as running, \
                    tolerant_messaging(settings, pool, metrics):
                state.update(pool=pool, messaging=running)
                yield
        finally:
            await pool.close()
            state.clear()

    app = FastAPI(title="LEAP matcher", version="0.1.0", lifespan=lifespan)

    app.include_router(health_router(metrics.registry, pool=lambda: state.get("pool"), messaging=lambda: state.get("messaging")))

    return edge.install(app, settings, pool=lambda: state.get("pool"), metrics=metrics)
