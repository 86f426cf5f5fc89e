"""Which consumer group the reporter joins, and the reset that makes it rebuild."""

from __future__ import annotations

import asyncpg

READ_MODEL_TABLES = ("engagement", "ward", "individual_alias", "upload_quality", "match_outcome", "relationship",
                     "split_record", "engagement_ended", "engagement_ref_change", "individual_alias_change",
                     "upload_ended", "read_model_version_log", "relationship_ended",
                     "upload_progress",
                     "upload_finding", "inbox", "outcome_record", "outcome_chunk",
                     "tolerant_assignment", "linkage_quality")
"""Everything built from events. ``dead_letter`` is kept: it is the history of what failed."""


async def group_id(conn: asyncpg.Connection | asyncpg.Pool) -> str:
    return await conn.fetchval("SELECT group_id FROM consumer_state")


async def reset(conn: asyncpg.Connection, new_group_id: str) -> None:
    """Empty the read model and switch to ``new_group_id``, in one transaction.

    A group Kafka has never seen starts at the earliest offset of every topic,
    so the next start re-consumes everything into the empty tables.
    """
    async with conn.transaction():
        await conn.execute(f"TRUNCATE {', '.join(READ_MODEL_TABLES)}")
        await conn.execute("UPDATE consumer_state SET group_id = $1, changed_at = now()", new_group_id)
        await conn.execute("UPDATE read_model_state SET version = version + 1")
