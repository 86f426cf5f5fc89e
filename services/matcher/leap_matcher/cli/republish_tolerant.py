"""Ops command (a repair, not a routine step): publish every record's tolerant individual again.

    python -m leap_matcher.cli.republish_tolerant     # MATCHER_DATABASE_URL and MATCHER_TOPIC_PREFIX as the service's

Tolerant linking publishes a record's tolerant individual whenever it changes (TolerantRecordsRelinkedV1, in
the linking transaction). Run this once for records linked before migration 023 (they were never published), or
when the reporter must rebuild from a topic whose retention dropped old events: every record's current
assignment is queued again with a new version (newer than any published, so the reporter takes it), 1,000 records
a transaction under the linking lock, through the outbox the running matcher relays. It changes no link."""

from __future__ import annotations

import sys
import uuid

import asyncpg
import structlog

from leap_contracts.delivery.handlers import Handlers

from leap_matcher.adapters import tolerant_refs, tolerant_store
from leap_matcher.cli.repair_command import run_repair
from leap_matcher.service.handlers import PRODUCER
from leap_matcher.service.tolerant_events import relinked_events

log = structlog.get_logger()
BATCH = 1000


async def republish_all(pool: asyncpg.Pool, topic_prefix: str) -> int:
    """Records queued again, in batches by record id (each batch its own transaction)."""
    correlation_id, after, queued = f"republish-{uuid.uuid4()}", "", 0
    units = Handlers(pool, producer=PRODUCER, topic_prefix=topic_prefix)
    while True:
        async with units.unit_of_work(correlation_id) as uow:
            await tolerant_store.lock(uow.conn)
            clustered = await tolerant_refs.clustered_after(uow.conn, after, BATCH)
            if not clustered:
                break
            assignments = await tolerant_refs.assign(uow.conn, clustered)
            for event in relinked_events(uuid.UUID(clustered[0][0].rpartition(":")[0]), assignments):
                uow.outbox.add(event)  # keyed by the upload of the batch's first record
            after, queued = clustered[-1][0], queued + len(assignments)
    log.info("tolerant.republished", records=queued)
    return queued


if __name__ == "__main__":
    sys.exit(run_repair(republish_all, "tolerant assignments republished"))
