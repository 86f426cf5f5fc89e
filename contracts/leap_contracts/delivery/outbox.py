"""Transactional outbox: events are stored with the state change, and a relay publishes them.

Only one relay per service publishes at a time (a session advisory lock), in id
order, so per-key order holds even with several instances running. A crash
between publishing and deleting republishes; consumers dedupe by event id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import BinaryIO

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer

from leap_contracts.envelope import Envelope, encode

log = structlog.get_logger()
# Channel and relay lock are named after the connection's schema (its search_path),
# so each service's relay wakes and locks on its own.
_NOTIFY = "SELECT pg_notify(current_schema() || '_outbox', '')"


async def add(conn: asyncpg.Connection, messages: Sequence[tuple[str, str, Envelope | bytes]]) -> None:
    """Queue (topic, key, envelope) messages inside the caller's transaction; an envelope may come
    encoded already (``leap_contracts.envelope.sealed``)."""
    if not messages:
        return
    await conn.execute(
        "INSERT INTO outbox (topic, key, value) SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])",
        [m[0] for m in messages], [m[1] for m in messages],
        [m[2] if isinstance(m[2], bytes) else encode(m[2]) for m in messages],
    )
    await conn.execute(_NOTIFY)


async def copy_in(conn: asyncpg.Connection, source: BinaryIO) -> None:
    """Queue messages spooled in COPY binary format (columns topic, key, value), inside the caller's transaction."""
    await conn.copy_to_table("outbox", source=source, columns=["topic", "key", "value"], format="binary")
    await conn.execute(_NOTIFY)


class OutboxRelay:
    def __init__(self, pool: asyncpg.Pool, producer: AIOKafkaProducer, *, batch_size: int = 500) -> None:
        self._pool = pool
        self._producer = producer
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        self.published = 0
        self.running = False

    async def run(self) -> None:
        async with self._pool.acquire() as conn:
            channel = await conn.fetchval("SELECT current_schema() || '_outbox'")
            await conn.add_listener(channel, self._on_notify)
            while not await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", channel):
                await self._wait(5.0)  # another instance relays; take over if it goes away
            self.running = True
            try:
                while True:
                    if not await self._publish_batch(conn):
                        await self._wait(1.0)
            finally:
                self.running = False
                await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", channel)
                await conn.remove_listener(channel, self._on_notify)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _wait(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except TimeoutError:
            pass
        self._wake.clear()

    async def _publish_batch(self, conn: asyncpg.Connection) -> int:
        rows = await conn.fetch(
            "SELECT id, topic, key, value FROM outbox ORDER BY id LIMIT $1", self._batch_size
        )
        if not rows:
            return 0
        sent = [await self._producer.send(r["topic"], r["value"], key=r["key"].encode()) for r in rows]
        await asyncio.gather(*sent)
        # Exactly the rows published: a row whose transaction committed after the SELECT
        # (with a smaller id) is still waiting and must not be deleted unpublished.
        await conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [r["id"] for r in rows])
        self.published += len(rows)
        log.debug("outbox.published", count=len(rows))
        return len(rows)
