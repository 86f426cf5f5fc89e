"""The read-model version: bumped in every transaction that changes the read model, so caches
built from one snapshot (the bitmap reach index) know exactly when they are stale.

Bump as the transaction's last change: the row stays locked until commit, so every writer waits for it, and
taken last it is held only for the commit (taken first, it made the reporter's consumers take turns)."""

from __future__ import annotations

import asyncpg


async def bump(conn: asyncpg.Connection) -> int:
    """The version this transaction commits."""
    return await conn.fetchval("UPDATE read_model_state SET version = version + 1 RETURNING version")


async def version(conn: asyncpg.Connection | asyncpg.Pool) -> int:
    return await conn.fetchval("SELECT version FROM read_model_state")
