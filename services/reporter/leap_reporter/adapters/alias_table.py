"""The individual_alias table: merged refs and the final survivor each resolves to."""

from __future__ import annotations

import asyncpg

from leap_reporter.domain.aliases import MergePlan

_LOCK = "reporter.individual_alias"


async def lock(conn: asyncpg.Connection) -> None:
    """Serialise merges until the transaction ends: two merges applied concurrently
    could each miss the other's rows and leave the map un-flattened."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", _LOCK)


async def resolve(conn: asyncpg.Connection, ref: str) -> str | None:
    """The final survivor of ``ref``, or None when it was never merged away."""
    return await conn.fetchval("SELECT survivor_ref FROM individual_alias WHERE ref = $1", ref)


async def apply(conn: asyncpg.Connection, plan: MergePlan) -> None:
    """Point the merged refs, and every ref that pointed at one of them, at the target."""
    if not plan.refs:
        return
    await conn.execute(_REPOINT, plan.refs, plan.target)
    await conn.execute(_POINT, plan.refs, plan.target)


# Both record every ref they change in the history (individual_alias_change, migration 013), in the same statement.
_REPOINT = """WITH moved AS (UPDATE individual_alias SET survivor_ref = $2 WHERE survivor_ref = ANY($1::text[])
                       RETURNING ref, survivor_ref)
INSERT INTO individual_alias_change (ref, survivor_ref) SELECT ref, survivor_ref FROM moved"""
_POINT = """WITH pointed AS (INSERT INTO individual_alias (ref, survivor_ref) SELECT unnest($1::text[]), $2
                         ON CONFLICT (ref) DO UPDATE SET survivor_ref = excluded.survivor_ref
                          WHERE individual_alias.survivor_ref IS DISTINCT FROM excluded.survivor_ref
                         RETURNING ref, survivor_ref)
INSERT INTO individual_alias_change (ref, survivor_ref) SELECT ref, survivor_ref FROM pointed"""


async def all_aliases(conn: asyncpg.Connection) -> dict[str, str]:
    return {r["ref"]: r["survivor_ref"] for r in await conn.fetch("SELECT ref, survivor_ref FROM individual_alias")}
