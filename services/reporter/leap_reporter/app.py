"""create_app(settings): the reporter's process (reporting API, health), with the read-model builder (event
consumers, outbox relay) in a process of its own or in this one (``leap_reporter.read_model_builder``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from prometheus_client import Histogram

from leap_contracts.delivery.health import DeliveryMetrics, health_router

from leap_reporter import api, api_figures, api_linkage, api_programme, api_publications, edge, logs
from leap_reporter.web import linkage_form, pages, programme, publications
from leap_reporter.adapters import consumer_state, database
from leap_reporter.adapters.reach_index import ReachIndex
from leap_reporter.service.as_at import AsAtIndexes
from leap_reporter.adapters.lag import LagWatch
from leap_reporter.builder_process import BuilderProcess
from leap_reporter.read_model_builder import TOPICS_READ, building
from leap_reporter.service.reportable import keep_publishing
from leap_reporter.settings import Settings


class Metrics(DeliveryMetrics):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.reach_seconds = Histogram("reach_query_seconds", "Time to answer /api/v1/reach",
                                       registry=self.registry)


@contextlib.asynccontextmanager
async def _read_model_builder(settings: Settings, pool, metrics: DeliveryMetrics,
                              group_id: str) -> AsyncIterator[object]:
    """What builds the read model while the app runs: its own process (watched), or this one's messaging."""
    if not settings.builder_process:
        async with building(settings, pool, metrics, group_id) as running:
            yield running
        return
    process = BuilderProcess()
    task = asyncio.create_task(process.run(), name="read-model-builder")
    try:
        yield process
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_app(settings: Settings) -> FastAPI:
    logs.configure()
    metrics = Metrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await database.create_pool(settings.database_url.get_secret_value())
        await database.migrate(pool)
        group_id = await consumer_state.group_id(pool)
        index = app.state.reach_index
        index.lag = LagWatch.of(settings.kafka_bootstrap, settings.topic_prefix + group_id, TOPICS_READ,
                                settings.topic_prefix)
        try:
            async with _read_model_builder(settings, pool, metrics, group_id) as running:
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

    app = FastAPI(title="LEAP reporter", version="0.1.0", lifespan=lifespan)
    app.state.metrics = metrics
    app.state.settings = settings
    app.state.reach_index = ReachIndex(settings.reach_index_min_engagements, settings.reach_index_min_interval,
                                       settings.reach_index_max_staleness)
    app.state.as_at_indexes = AsAtIndexes(settings.as_at_indexes_kept)
    app.state.pool = app.state.messaging = app.state.group_id = None
    app.include_router(api.router)
    app.include_router(api_figures.router)
    app.include_router(pages.router)
    app.include_router(api_programme.router)
    app.include_router(programme.router)
    app.include_router(api_publications.router)
    app.include_router(publications.router)
    app.include_router(api_linkage.router)
    app.include_router(linkage_form.router)

    app.include_router(health_router(metrics.registry, pool=lambda: app.state.pool, messaging=lambda: app.state.messaging,
                                     details=lambda: {"consumer_group": app.state.group_id}))

    return edge.install(app, settings)
