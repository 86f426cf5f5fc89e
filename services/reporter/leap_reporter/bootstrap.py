"""Wires the reporter: its parts (settings, metrics, reach index, as-at indexes, then the pool and messaging) on
``app.state``, read only through :mod:`leap_reporter.api.deps`; the lifespan that connects, migrates and runs the
background work; the read-model builder's subscriptions; and what the HTTP edge adds.

The read-model builder (every event consumer and the outbox relay) runs in a process of its own
(``leap_reporter.builder_process``, ``REPORTER_BUILDER_PROCESS``, on by default), so decoding and writing chunks
never hold up an answer (Python runs one core per process); off, it runs inside the API's process.

The edge: bad bytes refused, operations endpoints kept internal, the proxy's scheme honoured
(``leap_contracts.http``), and sessions the uploader ends ended here too (``leap_contracts.sessions.revocation``,
consumer group ``<prefix>leap-reporter-access``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import asyncpg
from fastapi import FastAPI
from prometheus_client import Histogram

from leap_contracts import topics
from leap_contracts.delivery.health import DeliveryMetrics, health_router
from leap_contracts.delivery.runtime import Messaging, messaging
from leap_contracts.http import harden
from leap_contracts.sessions.revocation import consume_alongside
from leap_contracts.topics import Topic

from leap_reporter.adapters import consumer_state, database
from leap_reporter.adapters.lag import LagWatch
from leap_reporter.adapters.reach_index import ReachIndex
from leap_reporter.service.as_at_indexes import AsAtIndexes
from leap_reporter.service.handlers import ReadModelBuilder, TopicEntries
from leap_reporter.service.linkage_handlers import LinkageReadModel
from leap_reporter.service.outcome_handlers import OutcomeReadModel
from leap_reporter.service.reportable import keep_publishing
from leap_reporter.settings import Settings

ACCESS_GROUP = "leap-reporter-access"


class Metrics(DeliveryMetrics):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.reach_seconds = Histogram("reach_query_seconds", "Time to answer /api/v1/reach",
                                       registry=self.registry)


def read_model(pool: asyncpg.Pool | None) -> tuple[TopicEntries, ...]:
    """The read model's handlers (``leap_reporter.service.handlers``), by what they build."""
    return ReadModelBuilder(pool), OutcomeReadModel(pool), LinkageReadModel(pool)


TOPICS_READ: list[Topic] = [topic for part in read_model(None) for topic, _ in part.entries()]
"""Every topic the read model is built from (the watermark's lag watch reads their offsets)."""


@contextlib.asynccontextmanager
async def building(settings: Settings, pool: asyncpg.Pool, metrics: DeliveryMetrics,
                   group_id: str) -> AsyncIterator[Messaging]:
    """Consume every topic of the read model in ``group_id`` and relay the outbox, until exit."""
    parts = read_model(pool)
    async with messaging(bootstrap=settings.kafka_bootstrap, topic_prefix=settings.topic_prefix,
                         group_id=group_id, pool=pool, metrics=metrics, max_attempts=settings.max_attempts,
                         subscriptions=[entry for part in parts for entry in part.entries()],
                         receivers={name: read for part in parts for name, read in part.handlers.receivers.items()},
                         consumers={topics.RECORDS_MATCHED.name: settings.consumers}) as running:
        yield running


@contextlib.asynccontextmanager
async def _read_model_builder(settings: Settings, pool: asyncpg.Pool, metrics: DeliveryMetrics,
                              group_id: str) -> AsyncIterator[object]:
    """What builds the read model while the app runs: its own process (watched), or this one's messaging."""
    if not settings.builder_process:
        async with building(settings, pool, metrics, group_id) as running:
            yield running
        return
    from leap_reporter.builder_process import BuilderProcess  # it imports ``building`` from here

    process = BuilderProcess()
    task = asyncio.create_task(process.run(), name="read-model-builder")
    try:
        yield process
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def wire(app: FastAPI, settings: Settings) -> None:
    """The app's parts; the pool, messaging and consumer group come with the lifespan (tests set the pool)."""
    metrics = Metrics()
    app.state.settings, app.state.metrics = settings, metrics
    app.state.reach_index = ReachIndex(settings.reach_index_min_engagements, settings.reach_index_min_interval,
                                       settings.reach_index_max_staleness)
    app.state.as_at_indexes = AsAtIndexes(settings.as_at_indexes_kept)
    app.state.pool = app.state.messaging = app.state.group_id = None
    app.include_router(health_router(metrics.registry, pool=lambda: app.state.pool,
                                     messaging=lambda: app.state.messaging,
                                     details=lambda: {"consumer_group": app.state.group_id}))


def lifespan(settings: Settings) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def run(app: FastAPI) -> AsyncIterator[None]:
        pool = await database.create_pool(settings.database_url.get_secret_value())
        await database.migrate(pool)
        group_id = await consumer_state.group_id(pool)
        index = app.state.reach_index
        index.lag = LagWatch.of(settings.kafka_bootstrap, settings.topic_prefix + group_id, TOPICS_READ,
                                settings.topic_prefix)
        try:
            async with _read_model_builder(settings, pool, app.state.metrics, group_id) as running:
                app.state.pool, app.state.messaging, app.state.group_id = pool, running, group_id
                tasks = [asyncio.create_task(index.watch(pool), name="reach-index-watch"),
                         asyncio.create_task(index.lag.run(), name="consumer-lag-watch"),
                         asyncio.create_task(keep_publishing(pool, index, settings.topic_prefix),
                                             name="reportable-uploads")]
                try:
                    yield
                finally:
                    for task in tasks:
                        task.cancel()
                    for task in tasks:
                        with contextlib.suppress(asyncio.CancelledError):
                            await task
        finally:
            await pool.close()
            app.state.pool = app.state.messaging = None

    return run


def edge(app: FastAPI, settings: Settings) -> FastAPI:
    consume_alongside(app, pool=lambda: app.state.pool, bootstrap=settings.kafka_bootstrap,
                      topic_prefix=settings.topic_prefix, group_id=ACCESS_GROUP, metrics=app.state.metrics,
                      max_attempts=settings.max_attempts)
    return harden(app, internal_port=settings.internal_port, forwarded_allow_ips=settings.forwarded_allow_ips)
