"""Ending people's sessions everywhere: here, and (through the outbox, in the same transaction) on the
services they reached with single sign-on (``leap_contracts.sessions.revocation.SessionsEndedV1``)."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from leap_contracts.delivery.outbox import Outbox
from leap_contracts.sessions.revocation import Reason, SessionsEndedV1

from leap_uploader.adapters import accounts_sql, audit
from leap_uploader.service import PRODUCER


async def announce(conn: asyncpg.Connection, topic_prefix: str, user_id: int | None, reason: Reason) -> None:
    """Queue ``SessionsEndedV1`` in the caller's transaction (``user_id`` None: everyone's)."""
    event = SessionsEndedV1(user_id=None if user_id is None else str(user_id), reason=reason,
                            ended_at=datetime.now(UTC))
    key = "all" if user_id is None else event.key()
    outbox = Outbox(conn, producer=PRODUCER, correlation_id=f"sessions:{key}", topic_prefix=topic_prefix)
    outbox.add(event, key=key)
    await outbox.flush()


async def end_all(pool: asyncpg.Pool, actor: str, topic_prefix: str, *, keep: str | None, address: str) -> int:
    """Every session here (but the admin's own, ``keep``) and on the other services ends now."""
    async with pool.acquire() as conn, conn.transaction():
        ended = await accounts_sql.delete_sessions(conn, keep=keep)
        await announce(conn, topic_prefix, None, "all_ended_by_admin")
        await audit.record(conn, actor, "sessions.all_ended", address=address, sessions=ended)
    return ended
