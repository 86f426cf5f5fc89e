"""Ops command (a repair, not a routine step): publish every stored outcome chunk again, linked against today's
individuals.

    python -m leap_matcher.cli.relink_outcomes        # MATCHER_DATABASE_URL and MATCHER_TOPIC_PREFIX as the service's

The matcher links outcome records again by itself whenever a service chunk or a withdrawal changes who owns one
of their tokens (``leap_matcher.service.outcome_relinking``). Run this once after upgrading to migration 026 (the
links of chunks stored before it may be older in the reporter), or to make the reporter's copy whole again: each
chunk's OutcomesLinkedV1 is queued again (one transaction per chunk, through the outbox the running matcher
relays), and the reporter replaces the chunk's records. It changes no individual; withdrawn extracts are skipped
(and forgotten)."""

from __future__ import annotations

import sys
import uuid

import asyncpg
import structlog

from leap_contracts.delivery.handlers import Handlers

from leap_matcher.cli.repair_command import run_repair
from leap_matcher.service.handlers import PRODUCER
from leap_matcher.service.outcome_linking import relink

log = structlog.get_logger()


async def relink_all(pool: asyncpg.Pool, topic_prefix: str) -> int:
    """Chunks queued again; each in its own transaction with its outbox row."""
    correlation_id = f"relink-{uuid.uuid4()}"
    chunks = await pool.fetch("SELECT upload_id, chunk_index FROM outcome_chunk ORDER BY upload_id, chunk_index")
    queued, units = 0, Handlers(pool, producer=PRODUCER, topic_prefix=topic_prefix)
    for chunk in chunks:
        async with units.unit_of_work(correlation_id) as uow:
            queued += await relink(uow.conn, uow.outbox, chunk["upload_id"], chunk["chunk_index"])
    log.info("outcomes.relinked", chunks=queued)
    return queued


if __name__ == "__main__":
    sys.exit(run_repair(relink_all, "outcome chunks relinked"))
