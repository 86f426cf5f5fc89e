"""The read-model version: bumped in every transaction that changes the read model, so caches
built from one snapshot (the bitmap reach index) know exactly when they are stale."""

from __future__ import annotations

import asyncpg


async def bump(conn: asyncpg.Connection) -> None:
    await conn.execute("UPDATE read_model_state SET version = version + 1")


async def version(conn: asyncpg.Connection | asyncpg.Pool) -> int:
    return await conn.fetchval("SELECT version FROM read_model_state")
