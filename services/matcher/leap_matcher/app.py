"""create_app(settings): the matcher's process (consumer, outbox relay, health API)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaProducer
from fastapi import FastAPI, HTTPException, Response
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry, Counter, generate_latest

from leap_contracts import topics

from leap_matcher import logs
from leap_matcher.adapters import consumer, database, explanation
from leap_matcher.adapters.outbox import OutboxRelay
from leap_matcher.domain.junk import JunkRule
from leap_matcher.service.handlers import Matcher
from leap_matcher.settings import Settings

GROUP_ID = "leap-matcher"


def create_app(settings: Settings) -> FastAPI:
    logs.configure()
    registry = CollectorRegistry()
    processed = Counter("messages_processed", "Messages handled", ["topic"], registry=registry)
    dead_letters = Counter("dead_letters", "Messages sent to a dead-letter topic", ["topic"], registry=registry)
    state: dict = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await database.create_pool(settings.database_url.get_secret_value(), max_size=settings.pool_size)
        await database.migrate(pool)
        producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all",
                                    enable_idempotence=True, max_request_size=16 * 1024 * 1024, linger_ms=5)
        await producer.start()
        broker = KafkaBroker(settings.kafka_bootstrap, logger=None)
        service = Matcher(pool, settings.topic_prefix,
                          JunkRule(settings.junk_max_birth_months, settings.junk_max_providers))
        for topic, handler in ((topics.RECORDS_PSEUDONYMISED, service.on_records_pseudonymised),
                               (topics.UPLOAD_WITHDRAWN, service.on_upload_withdrawn)):
            consumer.subscribe(broker, topic=topic, prefix=settings.topic_prefix,
                               group_id=settings.topic_prefix + GROUP_ID, handler=handler, pool=pool,
                               producer=producer, max_attempts=settings.max_attempts, processed=processed,
                               dead_letters=dead_letters)
        relay = OutboxRelay(pool, producer)
        relay_task = asyncio.create_task(relay.run(), name="outbox-relay")
        await broker.start()
        state.update(pool=pool, relay=relay, broker=broker)
        try:
            yield
        finally:
            await broker.stop()
            relay_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await relay_task
            await producer.stop()
            await pool.close()
            state.clear()

    app = FastAPI(title="LEAP matcher", version="0.1.0", lifespan=lifespan)

    @app.get("/health/live")
    async def live() -> dict:
        return {"status": "ok"}

    @app.get("/health/ready")
    async def ready(response: Response) -> dict:
        checks = {"database": False, "broker": False}
        if state:
            with contextlib.suppress(Exception):
                checks["database"] = await state["pool"].fetchval("SELECT true")
            with contextlib.suppress(Exception):
                checks["broker"] = await state["broker"].ping(timeout=2.0)
        if not all(checks.values()):
            response.status_code = 503
        return {"status": "ready" if all(checks.values()) else "not ready", "checks": checks}

    @app.get("/api/v1/individuals/{ref}/explanation")
    async def explain(ref: str) -> dict:
        """Which records (upload, row) form this individual and which identifier TYPES joined them.
        Token values are never shown. For administrators and analysts."""
        async with state["pool"].acquire() as conn:
            found = await explanation.explain(conn, ref)
        if found is None:
            raise HTTPException(404, f"no individual {ref}")
        return found

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type="text/plain; version=0.0.4")

    return app
