"""The reporter's event consumers and outbox relay: what builds the read model from the topics.

The API answers from the read model; this writes it. ``REPORTER_BUILDER_PROCESS`` (on by default) runs it in a
process of its own (``leap_reporter.builder_process``), so decoding and writing chunks never hold up an answer
(Python runs one core per process); off, it runs inside the API's process.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg

from leap_contracts import topics
from leap_contracts.delivery.health import DeliveryMetrics
from leap_contracts.delivery.runtime import Messaging, messaging
from leap_contracts.topics import Topic

from leap_reporter.service.handlers import RECEIVE_MATCHED, ReadModelBuilder
from leap_reporter.service.linkage_handlers import LinkageReadModel
from leap_reporter.service.outcome_handlers import OutcomeReadModel
from leap_reporter.settings import Settings


def subscriptions(pool: asyncpg.Pool | None):
    builder, outcomes, linked = ReadModelBuilder(pool), OutcomeReadModel(pool), LinkageReadModel(pool)
    return ((topics.RECORDS_MATCHED, builder.on_records_matched),
            (topics.BENEFICIARIES_V2, builder.on_individuals_changed),
            (topics.BENEFICIARIES, builder.on_beneficiary_event),  # the retired V1: history only
            (topics.UPLOAD_VALIDATED, builder.on_upload_validated),
            (topics.FILE_RECEIVED, builder.on_upload_lifecycle),
            (topics.UPLOAD_WITHDRAWN, builder.on_upload_lifecycle),
            (topics.AT_SOURCE_REJECTED, builder.on_upload_lifecycle),
            (topics.OUTCOMES_LINKED, outcomes.on_outcomes_linked),
            (topics.TOLERANT_RELINKED, linked.on_tolerant_relinked),
            (topics.LINKAGE_QUALITY, linked.on_linkage_quality))


TOPICS_READ: list[Topic] = [topic for topic, _ in subscriptions(None)]
"""Every topic the read model is built from (the watermark's lag watch reads their offsets)."""


@contextlib.asynccontextmanager
async def building(settings: Settings, pool: asyncpg.Pool, metrics: DeliveryMetrics,
                   group_id: str) -> AsyncIterator[Messaging]:
    """Consume every topic of the read model in ``group_id`` and relay the outbox, until exit."""
    async with messaging(bootstrap=settings.kafka_bootstrap, topic_prefix=settings.topic_prefix,
                         group_id=group_id, pool=pool, metrics=metrics, max_attempts=settings.max_attempts,
                         subscriptions=subscriptions(pool),
                         receivers={topics.RECORDS_MATCHED.name: RECEIVE_MATCHED},
                         consumers={topics.RECORDS_MATCHED.name: settings.consumers}) as running:
        yield running
