"""create_app(settings): the pseudonymiser's process (consumer, outbox relay, health API)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from leap_contracts import topics
from leap_contracts.delivery.runtime import messaging
from leap_contracts.http import harden
from leap_contracts.delivery.health import DeliveryMetrics, health_router
from leap_contracts.pseudonymisation import SPEC_VERSION, Tokeniser, key_check_value

from leap_pseudonymiser import logs
from leap_pseudonymiser.adapters import database
from leap_pseudonymiser.service.handlers import RECEIVE_VALIDATED, Pseudonymiser
from leap_pseudonymiser.settings import Settings

GROUP_ID = "leap-pseudonymiser"


def create_app(settings: Settings) -> FastAPI:
    logs.configure()
    metrics = DeliveryMetrics()
    state: dict = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await database.create_pool(settings.database_url.get_secret_value())
        await database.migrate(pool)
        service = Pseudonymiser(pool, Tokeniser(settings.key_bytes, settings.key_id), settings.topic_prefix,
                                settings.previous_tokenisers, match_keys=settings.match_keys)
        try:
            async with messaging(bootstrap=settings.kafka_bootstrap, topic_prefix=settings.topic_prefix,
                                 group_id=GROUP_ID, pool=pool, metrics=metrics, max_attempts=settings.max_attempts,
                                 subscriptions=((topics.RECORDS_VALIDATED, service.on_records_validated),
                                                (topics.RECORDS_AT_SOURCE, service.on_records_at_source)),
                                 receivers={topics.RECORDS_VALIDATED.name: RECEIVE_VALIDATED},
                                 consumers={topics.RECORDS_VALIDATED.name: settings.consumers}) as running:
                state.update(pool=pool, messaging=running)
                yield
        finally:
            await pool.close()
            state.clear()

    app = FastAPI(title="LEAP pseudonymiser", version="0.1.0", lifespan=lifespan)

    app.include_router(health_router(metrics.registry, pool=lambda: state.get("pool"), messaging=lambda: state.get("messaging")))

    @app.get("/key-check")
    async def key_check() -> dict:
        """The key id and check value, so a provider can confirm it holds the same key."""
        return {"key_id": settings.key_id, "key_check_value": key_check_value(settings.key_bytes),
                "spec_version": SPEC_VERSION,
                "previous_keys": [{"key_id": t.key_id, "key_check_value": t.key_check_value}
                                  for t in settings.previous_tokenisers]}

    return harden(app, internal_port=settings.internal_port, forwarded_allow_ips=settings.forwarded_allow_ips)
