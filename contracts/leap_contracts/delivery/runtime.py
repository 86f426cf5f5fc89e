"""A service's messaging while it runs: producer, subscriptions with the delivery rules, outbox relay."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import asyncpg
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

from leap_contracts.delivery.consumer import ConnectionWaits, Handler, Receiver, subscribe
from leap_contracts.delivery.health import DeliveryMetrics
from leap_contracts.delivery.outbox import OutboxRelay
from leap_contracts.delivery.startup import until_reachable
from leap_contracts.envelope import receive
from leap_contracts.kafka_auth import broker_security, client_options
from leap_contracts.topics import Topic

if TYPE_CHECKING:
    from leap_contracts.delivery.handlers import Handlers

MAX_MESSAGE_BYTES = 16 * 1024 * 1024
"""Chunk events of 1,000 records stay far below this; the broker accepts it too."""
COMPRESSION = "lz4"
"""How every producer compresses its batches. A chunk event is JSON of hundreds of kB, much of it repeated field
names and codes, which lz4 shrinks several-fold at a cost far below the JSON encoding's: the broker stores,
copies and checksums fewer bytes (``make bench`` shows its CPU). Consumers decompress with the codec every Kafka
client has (Python: aiokafka with cramjam, a dependency here)."""


async def _started_producer(bootstrap: str) -> AIOKafkaProducer:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                                max_request_size=MAX_MESSAGE_BYTES, linger_ms=5, compression_type=COMPRESSION,
                                **client_options())
    try:
        await producer.start()
    except BaseException:
        await producer.stop()
        raise
    return producer


@dataclass
class Messaging:
    """A service's messaging while it runs, as ``messaging()`` yields it: the broker, and what readiness
    checks of its long-running tasks (``leap_contracts.delivery.health.health_router``)."""

    broker: KafkaBroker
    relay: OutboxRelay | None
    waits: ConnectionWaits

    def checks(self) -> dict[str, bool]:
        """``consumers``: every subscriber consuming and no handler waiting out a lost connection; ``relay``
        (for a service that publishes): relaying, or standing by for another instance's lock."""
        checks = {"consumers": all(s.running for s in self.broker.subscribers) and not self.waits.waiting}
        if self.relay is not None:
            checks["relay"] = self.relay.ready
        return checks


@contextlib.asynccontextmanager
async def messaging(*, bootstrap: str, topic_prefix: str, group_id: str, pool: asyncpg.Pool,
                    metrics: DeliveryMetrics, max_attempts: int, handlers: Handlers | None = None,
                    subscriptions: Sequence[tuple[Topic, Handler]] = (), relay: bool = True,
                    consumers: Mapping[str, int] | None = None,
                    receivers: Mapping[str, Receiver] | None = None) -> AsyncIterator[Messaging]:
    """Start consuming ``subscriptions`` in one consumer group (``topic_prefix + group_id``) and, unless the
    service publishes nothing (``relay=False``), relaying its outbox; stop all of it on exit.

    ``consumers`` (topic name -> count, default 1): that many Kafka consumers of the group in this
    process, each owning its own partitions, so one instance works on several partitions at once
    (exactly as that many instances would). ``receivers`` (topic name -> wire bytes to envelope, default
    ``leap_contracts.envelope.receive``): e.g. ``leap_contracts.plain.receiver`` for a hot topic.
    ``handlers``: typed handlers (``leap_contracts.delivery.handlers``), subscribed to every topic they declare,
    each read as they say; ``subscriptions`` and ``receivers`` are the same at the envelope level."""
    if handlers is not None:
        subscriptions = [*handlers.subscriptions, *subscriptions]
        receivers = {**handlers.receivers, **(receivers or {})}
    producer = await until_reachable("kafka (producer)", lambda: _started_producer(bootstrap))
    waits = ConnectionWaits()

    async def started_broker() -> KafkaBroker:
        # logger=None: FastStream's own logs would print message contents
        broker = KafkaBroker(bootstrap, logger=None, security=broker_security())
        for topic, handler in subscriptions:
            subscribe(broker, topic=topic, prefix=topic_prefix, group_id=topic_prefix + group_id, handler=handler,
                      pool=pool, producer=producer, max_attempts=max_attempts,
                      processed=metrics.processed, dead_letters=metrics.dead_letters,
                      consumers=(consumers or {}).get(topic.name, 1),
                      receive=(receivers or {}).get(topic.name, receive), waits=waits)
        try:
            await broker.start()
        except BaseException:
            await broker.stop()
            raise
        return broker

    outbox_relay = OutboxRelay(pool, producer) if relay else None
    relay_task = asyncio.create_task(outbox_relay.run(), name="outbox-relay") if outbox_relay else None
    broker = None
    try:
        broker = await until_reachable("kafka (consumers)", started_broker)
        yield Messaging(broker, outbox_relay, waits)
    finally:
        if broker is not None:
            await broker.stop()
        if relay_task:
            relay_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await relay_task
        await producer.stop()
