"""The linkage-quality figures for the reporter (LinkageQualityMeasuredV1): aggregate counts, never a person
or a reference, measured again (from one snapshot) whenever tolerant linkage changed since the last time.

Every tolerant linking transaction bumps a counter (``tolerant_refs.changed``); ``keep_measuring`` looks every
``interval`` seconds and, when the counter moved, measures in a REPEATABLE READ transaction and queues the event
in the outbox with the counter it saw as its version. One instance measures at a time (a try-lock); linkers
never wait for it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import structlog

from leap_contracts.delivery.outbox import Outbox
from leap_contracts.events import LinkageQualityMeasuredV1, UploadLinkage

from leap_matcher.adapters import tolerant_quality_sql
from leap_matcher.service.handlers import PRODUCER

MEASURE_LOCK = 0x1EA919
log = structlog.get_logger()


async def measure_once(pool: asyncpg.Pool, topic_prefix: str) -> bool:
    """Measure and queue the figures if linkage changed since they were last measured; whether it did."""
    try:
        async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
            if not await tolerant_quality_sql.try_lock(conn, MEASURE_LOCK):
                return False
            changed, measured = await tolerant_quality_sql.versions(conn)
            if changed == measured:
                return False
            outbox = Outbox(conn, producer=PRODUCER, correlation_id=f"linkage-quality-{changed}",
                            topic_prefix=topic_prefix)
            outbox.add(await _figures(conn, changed), key=PRODUCER)  # one partition's worth: keyed by its producer
            await outbox.flush()
            await tolerant_quality_sql.set_measured(conn, changed)
    except asyncpg.SerializationError:  # another instance measured meanwhile
        return False
    log.info("tolerant.quality_measured", version=changed)
    return True


async def _figures(conn: asyncpg.Connection, version: int) -> LinkageQualityMeasuredV1:
    reach = await tolerant_quality_sql.reach(conn)
    found = await tolerant_quality_sql.findings(conn)
    uploads = [UploadLinkage(**row) for row in await tolerant_quality_sql.by_upload(conn)]
    return LinkageQualityMeasuredV1(
        measured_at=datetime.now(UTC), version=version, exact_individuals=reach["exact"],
        tolerant_individuals=reach["tolerant"], pending_reviews=reach["pending"],
        individuals_with_two_nhs_numbers=found["individuals_with_two_nhs_numbers"],
        identifiers_across_birth_months=found["identifiers_across_birth_months"], uploads=uploads)


async def keep_measuring(pool: asyncpg.Pool, topic_prefix: str, interval: float) -> None:
    """Until cancelled; a failure (database gone) is logged and tried again at the next interval."""
    while True:
        try:
            await measure_once(pool, topic_prefix)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("tolerant.quality_failed", error=type(exc).__name__)
        await asyncio.sleep(interval)
