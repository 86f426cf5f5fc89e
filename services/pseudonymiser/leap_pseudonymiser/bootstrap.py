"""Wire the pseudonymiser once, from its settings: the service, its typed handlers, and (while the process runs)
the pool and messaging. The app uses this; tests build the same parts with fakes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg

from leap_contracts.delivery.handlers import Handlers
from leap_contracts.delivery.health import DeliveryMetrics
from leap_contracts.delivery.runtime import Messaging, messaging
from leap_contracts.events import RecordsPseudonymisedAtSourceV1, RecordsValidatedV1
from leap_contracts.pseudonymisation import Tokeniser

from leap_pseudonymiser.adapters import database
from leap_pseudonymiser.service.handlers import Pseudonymiser
from leap_pseudonymiser.settings import Settings

GROUP_ID = "leap-pseudonymiser"
PRODUCER = "pseudonymiser"


def pseudonymiser(settings: Settings) -> Pseudonymiser:
    return Pseudonymiser(Tokeniser(settings.key_bytes, settings.key_id), settings.previous_tokenisers,
                         match_keys=settings.match_keys)


def handlers(pool: asyncpg.Pool, service: Pseudonymiser, topic_prefix: str = "") -> Handlers:
    """Validated chunks are read plain (every record is read on the hot path); at-source chunks as models."""
    found = Handlers(pool, producer=PRODUCER, topic_prefix=topic_prefix)
    found.on(RecordsValidatedV1, service.on_records_validated, plain=True)
    found.on(RecordsPseudonymisedAtSourceV1, service.on_records_at_source)
    return found


@dataclass
class Running:
    pool: asyncpg.Pool
    messaging: Messaging


@contextlib.asynccontextmanager
async def running(settings: Settings, metrics: DeliveryMetrics) -> AsyncIterator[Running]:
    """Connect and migrate, then consume and relay until the block ends."""
    pool = await database.create_pool(settings.database_url.get_secret_value())
    try:
        await database.migrate(pool)
        async with messaging(bootstrap=settings.kafka_bootstrap, topic_prefix=settings.topic_prefix,
                             group_id=GROUP_ID, pool=pool, metrics=metrics, max_attempts=settings.max_attempts,
                             handlers=handlers(pool, pseudonymiser(settings), settings.topic_prefix),
                             consumers={RecordsValidatedV1.TOPIC.name: settings.consumers}) as live:
            yield Running(pool, live)
    finally:
        await pool.close()
