"""The read-model version: bumped in every transaction that changes the read model, so caches
built from one snapshot (the bitmap reach index) know exactly when they are stale.

Bump as the transaction's last change: the row stays locked until commit, so every writer waits for it, and
taken last it is held only for the commit (taken first, it made the reporter's consumers take turns).

The bump also logs the version with the transaction's id and the time (``read_model_version_log``, migration 013):
the read model's history rows carry the id of the transaction that wrote them, and an "as at" question maps a
moment to the last version committed by then (``leap_reporter.adapters.history``)."""

from __future__ import annotations

import asyncpg


async def bump(conn: asyncpg.Connection) -> int:
    """The version this transaction commits."""
    return await conn.fetchval(_BUMP)


_BUMP = """WITH bumped AS (UPDATE read_model_state SET version = version + 1 RETURNING version)
INSERT INTO read_model_version_log (version, xid, at) SELECT version, pg_current_xact_id(), clock_timestamp()
  FROM bumped RETURNING version"""


async def version(conn: asyncpg.Connection | asyncpg.Pool) -> int:
    return await conn.fetchval("SELECT version FROM read_model_state")
