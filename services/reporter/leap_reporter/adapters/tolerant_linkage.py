"""SQL of tolerant linkage in the read model (migrations 016-017): records' tolerant individuals (newest version
wins), the latest linkage-quality figures, and the admin's choice of the linkage published reach uses."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

import asyncpg

from leap_contracts.events import LinkageQualityMeasuredV1, TolerantAssignment


async def assign(conn: asyncpg.Connection, records: Sequence[TolerantAssignment]) -> int:
    """Apply assignments newer than the stored ones (any delivery order ends with the newest); how many."""
    result = await conn.execute(
        """INSERT INTO tolerant_assignment AS t (upload_id, row_number, tolerant_ref, version)
           SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::bigint[])
           ON CONFLICT (upload_id, row_number) DO UPDATE SET tolerant_ref = excluded.tolerant_ref,
               version = excluded.version WHERE t.version < excluded.version""",
        [r.upload_id for r in records], [r.row_number for r in records], [r.tolerant_ref for r in records],
        [r.version for r in records])
    return int(result.rpartition(" ")[2])


async def withdraw(conn: asyncpg.Connection, upload_id: uuid.UUID) -> None:
    await conn.execute("DELETE FROM tolerant_assignment WHERE upload_id = $1", upload_id)


async def store_quality(conn: asyncpg.Connection, event: LinkageQualityMeasuredV1) -> None:
    """Keep the figures with the highest version."""
    await conn.execute(
        """INSERT INTO linkage_quality AS q (version, measured_at, figures) VALUES ($1, $2, $3)
           ON CONFLICT (one) DO UPDATE SET version = excluded.version, measured_at = excluded.measured_at,
               figures = excluded.figures WHERE q.version < excluded.version""",
        event.version, event.measured_at, event.model_dump_json())


async def quality(conn: asyncpg.Connection | asyncpg.Pool) -> LinkageQualityMeasuredV1 | None:
    figures = await conn.fetchval("SELECT figures FROM linkage_quality")
    return None if figures is None else LinkageQualityMeasuredV1.model_validate(json.loads(figures))


async def published(conn: asyncpg.Connection | asyncpg.Pool) -> asyncpg.Record:
    """The policy row: ``published`` ('exact' or 'tolerant'), ``changed_by``, ``changed_at``."""
    return await conn.fetchrow("SELECT published, changed_by, changed_at FROM linkage_policy")


async def set_published(pool: asyncpg.Pool, asked: str, actor: str, refusal: str | None) -> str:
    """Audit the attempt and, unless refused, set the policy, in one transaction; the outcome."""
    async with pool.acquire() as conn, conn.transaction():
        current = await conn.fetchval("SELECT published FROM linkage_policy FOR UPDATE")
        outcome = refusal or ("unchanged" if current == asked else "changed")
        if outcome == "changed":
            await conn.execute("UPDATE linkage_policy SET published = $1, changed_by = $2, changed_at = now()",
                               asked, actor)
        await conn.execute("INSERT INTO linkage_policy_audit (actor, asked, outcome) VALUES ($1, $2, $3)",
                           actor, asked[:20], outcome)
        return outcome

