"""Subscribe a handler to a topic with the platform's delivery rules.

At-least-once: the offset is committed only after the handler's transaction
committed (``AckPolicy.NACK_ON_ERROR``: an exception rewinds to the message).
A message that cannot be decoded, or fails ``max_attempts`` times, goes to the
dead-letter topic, is recorded in ``dead_letter`` and counted, and is then
acknowledged so the partition moves on. ``python -m leap_contracts.delivery.replay``
sends dead letters back once their cause is fixed. A lost database or broker
connection is not the message's fault: the handler waits it out and the message
is redelivered, however long that takes, and is never dead-lettered for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import cast

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer, ConsumerRecord
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError, RequestTimedOutError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from prometheus_client import Counter
from pydantic import ValidationError

from leap_contracts.delivery.health import Backoff
from leap_contracts.envelope import Envelope, UnknownEventType, receive
from leap_contracts.topics import Topic, dead_letter_for

log = structlog.get_logger()

Handler = Callable[[Envelope], Awaitable[None]]
Receiver = Callable[[bytes], Envelope]


class PoisonMessage(Exception):
    """The message can never be processed; retrying is pointless. Its text must hold no values."""


def describe(exc: BaseException) -> str:
    """A description safe to log: never the offending values, which may be personal data."""
    if isinstance(exc, ValidationError):
        return "invalid fields: " + "; ".join(
            f"{'.'.join(map(str, e['loc']))} ({e['type']})" for e in exc.errors(include_input=False)[:10]
        )
    if isinstance(exc, PoisonMessage):
        return str(exc)
    return type(exc).__name__


_CONNECTION_LOST = (
    OSError,  # refused, reset, unreachable: the server is down
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08, and a connection closed in the middle of an operation
    asyncpg.AdminShutdownError, asyncpg.CrashShutdownError, asyncpg.CannotConnectNowError,  # restarting
    asyncpg.TooManyConnectionsError, asyncpg.InvalidAuthorizationSpecificationError,  # cannot log in
    asyncpg.DiskFullError,  # cannot store anything now: wait for space rather than dead-letter the message
    KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError, RequestTimedOutError,
)


def connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` says the database or broker cannot be reached (or the database cannot store anything:
    its disk is full), rather than anything about the message.
    A timeout is not counted: it may be the message's own doing (a statement too slow for it), so it still
    leads to the dead-letter topic after ``max_attempts``."""
    return isinstance(exc, _CONNECTION_LOST) and not isinstance(exc, TimeoutError)


class ConnectionWaits:
    """A service's handlers waiting out a lost database or broker connection before their message is
    redelivered; readiness is off while any waits. Consecutive losses grow the wait (``Backoff``) and the
    first message handled resets it."""

    def __init__(self, backoff: Backoff | None = None) -> None:
        self._backoff = backoff or Backoff()
        self.waiting = 0

    async def wait(self, topic: str, partition: int, offset: int, exc: BaseException) -> None:
        delay = self._backoff.next_delay()
        log.warning("message.connection_lost", topic=topic, partition=partition, offset=offset,
                    error=type(exc).__name__, failures=self.failures, retry_in_s=round(delay, 2))
        self.waiting += 1
        try:
            await asyncio.sleep(delay)
        finally:
            self.waiting -= 1

    @property
    def failures(self) -> int:
        """Consecutive lost connections, since a message was last handled."""
        return self._backoff.failures

    def handled(self) -> None:
        self._backoff.reset()


def _record(message: KafkaMessage) -> ConsumerRecord[bytes, bytes]:
    """The Kafka record a message came in (FastStream's type allows a batch's tuple: never one here)."""
    return cast("ConsumerRecord[bytes, bytes]", message.raw_message)


async def _undecoded(message: KafkaMessage) -> bytes:
    """FastStream's decoder would parse every JSON value before the handler runs (a chunk of 1,000 records:
    milliseconds, for nothing); ``receive`` reads the raw value once, in one pass."""
    return message.body


def subscribe(
    broker: KafkaBroker, *, topic: Topic, prefix: str, group_id: str, handler: Handler,
    pool: asyncpg.Pool, producer: AIOKafkaProducer, max_attempts: int,
    processed: Counter, dead_letters: Counter, consumers: int = 1, receive: Receiver = receive,
    waits: ConnectionWaits | None = None,
) -> None:
    attempts: dict[tuple[int, int], int] = {}
    waits = waits or ConnectionWaits()
    name = topic.full_name(prefix)
    dead_letter_topic = dead_letter_for(topic).full_name(prefix)

    async def to_dead_letter(msg: KafkaMessage, error: str) -> None:
        raw = _record(msg)
        # Recorded in a transaction that commits only once the dead letter is sent: a database or broker
        # lost on the way leaves no record, and the redelivery dead-letters the message then. A message
        # recorded already (the process died before its offset was committed) is not recorded or sent again.
        async with pool.acquire() as conn, conn.transaction():
            if not await conn.fetchval(
                    """INSERT INTO dead_letter (topic, kafka_partition, kafka_offset, error) VALUES ($1, $2, $3, $4)
                       ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING RETURNING true""",
                    name, raw.partition, raw.offset, error[:2000]):
                log.info("message.dead_lettered_before", topic=name, partition=raw.partition, offset=raw.offset)
                return
            await producer.send_and_wait(
                dead_letter_topic, raw.value, key=name.encode(),
                headers=[("error", error[:500].encode()), ("group_id", group_id.encode()),
                         ("partition", str(raw.partition).encode()), ("offset", str(raw.offset).encode()),
                         ("key", raw.key or b"")],  # replay (leap_contracts.delivery.replay) keeps the partition
            )
        dead_letters.labels(topic=topic.name).inc()
        log.error("message.dead_lettered", topic=name, partition=raw.partition, offset=raw.offset, error=error)

    @broker.subscriber(name, group_id=group_id, ack_policy=AckPolicy.NACK_ON_ERROR, auto_offset_reset="earliest",
                       max_partition_fetch_bytes=16 * 1024 * 1024, max_workers=consumers, decoder=_undecoded)
    async def on_message(msg: KafkaMessage) -> None:
        try:
            await deliver(msg)
        except Exception as exc:
            if connection_lost(exc):  # wait it out; the exception then rewinds to the message
                await waits.wait(name, _record(msg).partition, _record(msg).offset, exc)
            raise

    async def deliver(msg: KafkaMessage) -> None:
        # The raw Kafka value, not a decoded body parameter: FastStream would parse JSON bodies
        # into a dict and reject them for a ``bytes`` parameter before this code ever ran.
        raw = _record(msg)
        position = (raw.partition, raw.offset)
        try:
            envelope = receive(raw.value or b"")
        except ValueError as exc:  # undecodable: never going to work
            await to_dead_letter(msg, f"undecodable message: {describe(exc)}")
            return
        try:
            await handler(envelope)
        except (PoisonMessage, ValidationError, UnknownEventType) as exc:
            await to_dead_letter(msg, f"unprocessable {envelope.event_type}: {describe(exc)}")
        except Exception as exc:
            if connection_lost(exc):  # not the message's fault: no attempt counted, never dead-lettered
                raise
            attempts[position] = attempts.get(position, 0) + 1
            if attempts[position] >= max_attempts:
                attempts.pop(position, None)
                await to_dead_letter(msg, f"failed {max_attempts} times: {describe(exc)}")
                return
            log.warning("message.retry", topic=name, partition=raw.partition, offset=raw.offset,
                        attempt=attempts[position], error=describe(exc))
            await asyncio.sleep(0.1 * 2 ** attempts[position])  # back off, then rewind and redeliver
            raise
        else:
            attempts.pop(position, None)
            waits.handled()
            processed.labels(topic=topic.name).inc()
