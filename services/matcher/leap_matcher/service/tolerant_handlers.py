"""Tolerant linkage's own consumer group (``leap-matcher-tolerant``), beside the exact path and never in
its transactions: records.pseudonymised chunks and upload withdrawals, each applied in one transaction
(``tolerant_linking``). No inbox: storing a record is idempotent (a redelivered chunk changes nothing) and
a withdrawal of what is gone is a no-op. What it publishes goes to the matcher's outbox in that transaction
(the exact path's relay publishes it); a task measures the linkage-quality figures again when linkage changed
(``tolerant_quality``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.delivery.health import DeliveryMetrics
from leap_contracts.delivery.runtime import messaging
from leap_contracts.envelope import Envelope, open_envelope
from leap_contracts.events import RecordsPseudonymisedV1, UploadWithdrawnV1
from leap_contracts.delivery.consumer import PoisonMessage

from leap_matcher.domain.tolerant import TolerantSettings
from leap_matcher.service.tolerant_linking import Publish, link_chunk, withdraw_upload
from leap_matcher.service.tolerant_quality import keep_measuring

GROUP_ID = "leap-matcher-tolerant"
log = structlog.get_logger()


@dataclass
class TolerantLinking:
    pool: asyncpg.Pool
    settings: TolerantSettings
    topic_prefix: str = ""

    async def on_records_pseudonymised(self, envelope: Envelope) -> None:
        event = open_envelope(envelope)
        if not isinstance(event, RecordsPseudonymisedV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        if event.dataset == "outcomes":  # outcome records are never records of an individual
            return
        region = await link_chunk(self.pool, event, self.settings, Publish(self.topic_prefix, envelope.correlation_id))
        log.info("tolerant.chunk", upload_id=str(event.upload_id), chunk=event.chunk_index, region=region)

    async def on_upload_withdrawn(self, envelope: Envelope) -> None:
        event = open_envelope(envelope)
        if not isinstance(event, UploadWithdrawnV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        await withdraw_upload(self.pool, event.upload_id, self.settings,
                              Publish(self.topic_prefix, envelope.correlation_id))


@contextlib.asynccontextmanager
async def tolerant_messaging(settings, pool: asyncpg.Pool, metrics: DeliveryMetrics) -> AsyncIterator[None]:
    """The tolerant consumers while the app runs, when ``settings.tolerant_linking``; else nothing."""
    if not settings.tolerant_linking:
        yield
        return
    linking = TolerantLinking(pool, TolerantSettings(link_at=settings.tolerant_link_at,
                                                     review_from=settings.tolerant_review_from), settings.topic_prefix)
    measuring = asyncio.create_task(keep_measuring(pool, settings.topic_prefix, settings.tolerant_quality_interval),
                                    name="tolerant-quality")
    async with _cancelled_after(measuring), messaging(
            bootstrap=settings.kafka_bootstrap, topic_prefix=settings.topic_prefix, group_id=GROUP_ID, pool=pool,
            metrics=metrics, max_attempts=settings.max_attempts, relay=False,
            subscriptions=((topics.RECORDS_PSEUDONYMISED, linking.on_records_pseudonymised),
                           (topics.UPLOAD_WITHDRAWN, linking.on_upload_withdrawn))):
        yield


@contextlib.asynccontextmanager
async def _cancelled_after(task: asyncio.Task) -> AsyncIterator[None]:
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
