"""Transactional outbox: events are stored with the state change, and a relay publishes them.

:class:`Outbox` is one transaction's: ``add(event)`` queues an event on ``event.TOPIC`` (the deployment's
prefix applied here), keyed by ``event.key()``, sealed with the producer and correlation id it was made with;
the unit of work (``leap_contracts.delivery.handlers``) writes what it holds before committing.

Only one relay per service publishes at a time (a session advisory lock), in id
order, so per-key order holds even with several instances running. A crash
between publishing and deleting republishes; consumers dedupe by event id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, BinaryIO

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer

from leap_contracts.delivery.health import Backoff
from leap_contracts.envelope import Envelope, encode
from leap_contracts.events.base import Event

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


class Outbox:
    """The events one transaction publishes, queued in memory until :meth:`flush` writes them on ``conn`` (the
    unit of work flushes before it commits; ``conn`` None: a test's outbox, never flushed)."""

    def __init__(self, conn: asyncpg.Connection | None, *, producer: str, correlation_id: str,
                 topic_prefix: str = "") -> None:
        self._conn = conn
        self.producer = producer
        self.correlation_id = correlation_id
        self.topic_prefix = topic_prefix
        self.pending: list[tuple[str, str, bytes]] = []
        """(full topic name, key, wire bytes), in the order added."""

    def add(self, event: Event, *, key: str | None = None) -> None:
        """Queue ``event`` on its topic with its own key (``key``: another, for an event that cannot know its
        key), encoded in one pass (``leap_contracts.envelope.encode``)."""
        value = encode(event, producer=self.producer, correlation_id=self.correlation_id)
        self.pending.append((event.TOPIC.full_name(self.topic_prefix), key or event.key(), value))

    def add_payload(self, model: type[Event], payload: Mapping[str, Any] | bytes, *, key: str | None = None) -> None:
        """The fast path: a ``model`` event given as its JSON-ready payload (a dict, or its JSON bytes, which need
        ``key``), building no model objects. The caller answers for the payload: test it against the model."""
        if key is None:
            if isinstance(payload, bytes):
                raise TypeError("a payload given as bytes needs its key")
            key = model.key_of(payload)
        value = encode(payload, model=model, producer=self.producer, correlation_id=self.correlation_id)
        self.pending.append((model.TOPIC.full_name(self.topic_prefix), key, value))

    async def copy_in(self, source: BinaryIO) -> None:
        """Queue messages spooled in COPY binary format (columns topic, key, value; full topic names), after
        everything added before them."""
        await self.flush()
        await copy_in(self._connection(), source)

    async def flush(self) -> None:
        """Write the queued events in the transaction (the unit of work does, before it commits)."""
        if self.pending:
            await add(self._connection(), self.pending)
            self.pending = []

    def _connection(self) -> asyncpg.Connection:
        if self._conn is None:
            raise RuntimeError("this outbox has no database (a test's): read its pending events instead")
        return self._conn


class OutboxRelay:
    """Publishes the outbox until cancelled, one session (a connection holding the lock) at a time.

    When a session fails (the database restarted, the backend was terminated, the broker timed out) the relay
    logs the exception's type, backs off (``Backoff``) and starts a new session, which takes the lock again or
    stands by for the instance that took it meanwhile.
    """

    def __init__(self, pool: asyncpg.Pool, producer: AIOKafkaProducer, *, batch_size: int = 500,
                 backoff: Backoff | None = None) -> None:
        self._pool = pool
        self._producer = producer
        self._batch_size = batch_size
        self._backoff = backoff or Backoff()
        self._wake = asyncio.Event()
        self.published = 0
        self.state = "starting"  # then "standby" or "relaying"; "backing off" after a failure; "stopped"

    @property
    def ready(self) -> bool:
        """Relaying, or standing by while another instance holds the lock (it takes over if that one goes)."""
        return self.state in ("standby", "relaying")

    async def run(self) -> None:
        try:
            while True:
                try:
                    await self._session()
                except Exception as exc:  # whatever ended the session, a relay that stops strands the outbox
                    delay = self._backoff.next_delay()
                    self.state = "backing off"
                    log.warning("outbox.relay_failed", error=type(exc).__name__, failures=self._backoff.failures,
                                retry_in_s=round(delay, 2))
                    await asyncio.sleep(delay)
                    self.state = "starting"
        finally:
            self.state = "stopped"

    async def _session(self) -> None:
        async with self._pool.acquire() as conn:
            try:
                await self._relay(conn)
            finally:
                # The session's lock and listener must not outlive it, and a dead connection cannot run
                # pg_advisory_unlock (trying used to raise again here and end the relay). Closing the
                # connection drops both on the server, whatever state it is in; the pool opens a new one.
                conn.terminate()

    async def _relay(self, conn: asyncpg.Connection) -> None:
        self._wake.clear()
        channel = await conn.fetchval("SELECT current_schema() || '_outbox'")
        await conn.add_listener(channel, self._on_notify)
        conn.add_termination_listener(self._on_notify)  # a lost connection wakes the relay to fail at once
        while not await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", channel):
            self._working("standby")
            await self._wait(5.0)  # another instance relays; take over if it goes away
        while True:
            published = await self._publish_batch(conn)
            self._working("relaying")
            if not published:
                await self._wait(1.0)

    def _working(self, state: str) -> None:
        if self._backoff.failures:
            log.info("outbox.relay_resumed", state=state, after_failures=self._backoff.failures)
            self._backoff.reset()
        self.state = state

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
