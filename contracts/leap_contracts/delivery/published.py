"""Waiting until an event this service queued is on the broker.

The outbox relay deletes a row once Kafka has acknowledged it, so a row that is gone is published. An API
that answers "received" waits for its event: whatever the caller does next (asks for the figures, say) then
happens after the event is on the broker, where every consumer's watermark sees it. Without the wait, a figure
asked for at once could call itself up to date while the upload the caller was just told of is still in the
outbox, out of every consumer's sight.
"""

from __future__ import annotations

import asyncio

import asyncpg

_QUEUED = "SELECT EXISTS (SELECT 1 FROM outbox WHERE topic = $1 AND key = $2)"


async def wait_published(pool: asyncpg.Pool, topic: str, key: str, *, timeout: float = 10.0) -> bool:
    """True once no event with this full ``topic`` name and ``key`` waits in the outbox; False if one still
    does after ``timeout`` seconds (the broker is away: the event stays queued and goes out when it is back)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delay = 0.002
    while await pool.fetchval(_QUEUED, topic, key):
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.05)
    return True
