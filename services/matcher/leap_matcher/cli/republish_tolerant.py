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

from leap_contracts.delivery import outbox
from leap_matcher.adapters import tolerant_refs, tolerant_store
from leap_matcher.cli.repair_command import run_repair
from leap_matcher.service.tolerant_events import relinked

log = structlog.get_logger()
BATCH = 1000


async def republish_all(pool: asyncpg.Pool, topic_prefix: str) -> int:
    """Records queued again, in batches by record id (each batch its own transaction)."""
    correlation_id, after, queued = f"republish-{uuid.uuid4()}", "", 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            await tolerant_store.lock(conn)
            rows = await conn.fetch("SELECT record_id, cluster FROM tolerant_record WHERE record_id > $1 "
                                    "AND cluster IS NOT NULL ORDER BY record_id LIMIT $2", after, BATCH)
            if not rows:
                break
            assignments = await tolerant_refs.assign(conn, [(r["record_id"], r["cluster"]) for r in rows])
            cause = uuid.UUID(rows[0]["record_id"].rpartition(":")[0])
            await outbox.add(conn, relinked(topic_prefix, cause, assignments, correlation_id))
            after, queued = rows[-1]["record_id"], queued + len(assignments)
    log.info("tolerant.republished", records=queued)
    return queued


if __name__ == "__main__":
    sys.exit(run_repair(republish_all, "tolerant assignments republished"))
