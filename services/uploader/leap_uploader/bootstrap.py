"""Wire the uploader once, from its settings: the pool, the services, its typed handlers and (unless told not to)
its messaging. The app uses this; tests build the app without messaging and call the handlers directly."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg

from leap_contracts.delivery.handlers import Handlers
from leap_contracts.delivery.runtime import Messaging, messaging
from leap_contracts.events import (
    AtSourceRejectedV1,
    FileReceivedV1,
    OutcomeLinksChangedV1,
    OutcomesLinkedV1,
    RecordsMatchedV1,
    RecordsWithdrawnV1,
    UploadReportableV1,
)

from leap_uploader.adapters import database
from leap_uploader.adapters.encryption import FileCipher
from leap_uploader.metrics import Metrics
from leap_uploader.service import PRODUCER
from leap_uploader.service.handlers import Completion
from leap_uploader.service.receiving import Receiving
from leap_uploader.service.validating import Validation
from leap_uploader.settings import Settings

GROUP_ID = "leap-uploader"


@dataclass
class Services:
    settings: Settings
    pool: asyncpg.Pool
    metrics: Metrics
    receiving: Receiving
    validation: Validation
    handlers: Handlers
    """The typed handlers (``handlers.deliver(envelope)`` handles one message as the consumer would)."""
    messaging: Messaging | None = None
    """Consumers and outbox relay, while they run."""


def handlers(pool: asyncpg.Pool, topic_prefix: str, completion: Completion) -> Handlers:
    """Matched chunks are read plain (only their upload and index are used); anything else on that topic
    (RecordsWithdrawnV1, or a type this build does not know) is acknowledged, as is a later change of an outcome
    chunk's links (it changes no upload's progress)."""
    found = Handlers(pool, producer=PRODUCER, topic_prefix=topic_prefix)
    found.on(RecordsMatchedV1, completion.on_records_matched, plain=True)
    found.ignore(RecordsWithdrawnV1, unknown_on=RecordsMatchedV1.TOPIC)
    found.on(OutcomesLinkedV1, completion.on_outcomes_linked)
    found.ignore(OutcomeLinksChangedV1)
    found.on(AtSourceRejectedV1, completion.on_at_source_rejected)
    found.on(UploadReportableV1, completion.on_upload_reportable)
    return found


def build(settings: Settings, pool: asyncpg.Pool, metrics: Metrics, *, relaying: bool = True) -> Services:
    """``relaying``: this process runs an outbox relay, so an upload's answer can wait for its event to be
    published (``Receiving.announce_timeout``); without one (tests of the service alone) it does not wait."""
    cipher = FileCipher(settings.storage_key_bytes)
    typed = handlers(pool, settings.topic_prefix, Completion())
    return Services(
        settings=settings,
        pool=pool,
        metrics=metrics,
        receiving=Receiving(pool, cipher, settings.topic_prefix, settings.max_xlsx_expanded_bytes,
                            settings.pseudo_key_id, settings.pseudo_key_check_value,
                            announce_timeout=10.0 if relaying else 0.0),
        validation=Validation(typed, cipher, settings.max_rejected_share, settings.max_xlsx_expanded_bytes,
                              settings.temp_dir, settings.xlsx_memory_bytes),
        handlers=typed,
    )


@contextlib.asynccontextmanager
async def running(settings: Settings, metrics: Metrics, *, with_messaging: bool = True) -> AsyncIterator[Services]:
    """Connect and migrate, then (``with_messaging``) consume and relay, until the block ends."""
    pool = await database.create_pool(settings.database_url.get_secret_value())
    try:
        await database.migrate(pool)
        services = build(settings, pool, metrics, relaying=with_messaging)
        if not with_messaging:
            yield services
            return
        async with messaging(bootstrap=settings.kafka_bootstrap, topic_prefix=settings.topic_prefix,
                             group_id=GROUP_ID, pool=pool, metrics=metrics, max_attempts=settings.max_attempts,
                             handlers=services.handlers,
                             subscriptions=[(FileReceivedV1.TOPIC, services.validation.on_file_received)],
                             consumers={FileReceivedV1.TOPIC.name: settings.validation_consumers}) as live:
            services.messaging = live
            yield services
    finally:
        await pool.close()
