"""Idempotent consumer: an event's id is recorded in the same transaction as its effects."""

from __future__ import annotations

import uuid

import asyncpg

async def claim(conn: asyncpg.Connection, event_id: uuid.UUID, topic: str) -> bool:
    """True the first time this event is seen; False for a redelivery (skip it)."""
    status = await conn.execute(
        "INSERT INTO inbox (event_id, topic) VALUES ($1, $2) ON CONFLICT DO NOTHING", event_id, topic
    )
    return bool(status == "INSERT 0 1")
