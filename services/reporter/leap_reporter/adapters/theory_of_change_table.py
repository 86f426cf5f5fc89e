"""The Theory of Change document: the latest saved wins; every save is kept (who and when)."""

from __future__ import annotations

import asyncpg

from leap_reporter.domain.theory_of_change import DEFAULT, TheoryOfChange


async def latest(conn: asyncpg.Connection | asyncpg.Pool) -> tuple[TheoryOfChange, asyncpg.Record | None]:
    row = await conn.fetchrow("SELECT document::text AS document, saved_by, saved_at FROM theory_of_change "
                              "ORDER BY id DESC LIMIT 1")
    if row is None:
        return DEFAULT, None
    return TheoryOfChange.model_validate_json(row["document"]), row


async def save(conn: asyncpg.Connection | asyncpg.Pool, document: TheoryOfChange, saved_by: str) -> None:
    await conn.execute("INSERT INTO theory_of_change (document, saved_by) VALUES ($1::jsonb, $2)",
                       document.model_dump_json(), saved_by)
