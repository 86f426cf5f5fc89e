"""The delivery runtime's long-running tasks on the real PostgreSQL and Kafka when the database goes away.

The shared server is not restarted: the service's role may no longer log in and its connections are
terminated (``pg_terminate_backend``), which is what a restart does to a service, for as long as the test
needs to look. The relay and the consumers must resume once the role may log in again, lose nothing, dead-letter
nothing, and say "not ready" in between.
"""

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from fastapi import FastAPI

from leap_contracts import topics
from leap_contracts.delivery import inbox, outbox
from leap_contracts.delivery.health import DeliveryMetrics, health_router
from leap_contracts.delivery.runtime import messaging
from leap_contracts.envelope import encode, seal
from leap_contracts.events import FileReceivedV1

pytestmark = pytest.mark.integration

FAULTS = topics.Topic("faults.v1", 1, "key")
ADVISORY_LOCKS = ("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                  " AND database = (SELECT oid FROM pg_database WHERE datname = $1)")


@pytest.fixture
async def prefix(kafka_bootstrap):
    """A topic prefix of this test's own, with its topics (and their dead-letter topic) created, then deleted."""
    prefix = f"test-faults-{uuid.uuid4().hex[:8]}."
    names = [FAULTS.full_name(prefix), topics.dead_letter_for(FAULTS).full_name(prefix)]
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1) for name in names])
        yield prefix
        await admin.delete_topics(names)
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def outage(admin, database_url: str, *, keep: tuple[int, ...] = ()):
    """The service cannot reach its database: its role may not log in, and its connections (but those of the
    backend pids in ``keep``) are terminated. Over when the block ends."""
    role, name = urlsplit(database_url).username, urlsplit(database_url).path.lstrip("/")
    await admin.execute(f"ALTER ROLE {role} NOLOGIN")  # generated name (leap_contracts.testing)
    try:
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1"
                            " AND datname = $2 AND pid <> ALL($3::int[])", role, name, list(keep))
        yield
    finally:
        await admin.execute(f"ALTER ROLE {role} LOGIN")


async def until(condition, what: str, timeout: float = 60.0) -> None:
    """Poll ``condition`` (async, no arguments) until it holds; fail saying ``what`` after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        assert loop.time() < deadline, f"not within {timeout:.0f}s: {what}"
        await asyncio.sleep(0.05)  # poll interval, bounded by the deadline


def readiness(pool, running) -> httpx.AsyncClient:
    """A client of ``/health/ready`` as a service wires it (its app.py)."""
    app = FastAPI()
    app.include_router(health_router(DeliveryMetrics().registry, pool=lambda: pool, messaging=lambda: running))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc")


def envelope(n: int):
    event = FileReceivedV1(upload_id=uuid.uuid4(), provider_id=str(n), service_code="CAN", file_format="csv",
                           size_bytes=n, sha256="0" * 64, received_at=datetime.now(UTC))
    return seal(event, producer="test", correlation_id="c")


async def messages_on(bootstrap: str, topic: str, enough, timeout: float = 60.0) -> list:
    """The messages on ``topic`` from its start, read until ``enough(messages)`` (or ``timeout`` passed)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    try:
        found: list = []
        deadline = asyncio.get_running_loop().time() + timeout
        while not enough(found) and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            found += [m for messages in batch.values() for m in messages]
        return found
    finally:
        await consumer.stop()


async def keys_on(bootstrap: str, topic: str, wanted: bytes) -> list[bytes]:
    """The keys of the messages on ``topic``, read until ``wanted`` is among them."""
    return [m.key for m in await messages_on(bootstrap, topic, lambda found: any(m.key == wanted for m in found))]


async def test_the_relay_resumes_after_its_connection_is_killed(pool, database_url, database_admin, prefix,
                                                                kafka_bootstrap):
    topic, database = FAULTS.full_name(prefix), urlsplit(database_url).path.lstrip("/")
    async with messaging(bootstrap=kafka_bootstrap, topic_prefix=prefix, group_id="leap-faults", pool=pool,
                         subscriptions=(), metrics=DeliveryMetrics(), max_attempts=3) as running, \
            readiness(pool, running) as client:
        async def ready() -> bool:
            return (await client.get("/health/ready")).status_code == 200

        async def relay_down() -> bool:
            answer = await client.get("/health/ready")
            return answer.status_code == 503 and answer.json()["checks"]["relay"] is False

        await until(ready, "ready with the relay holding its lock")
        [relay_pid] = [r["pid"] for r in await database_admin.fetch(ADVISORY_LOCKS, database)]

        async with pool.acquire() as writer:  # kept through the outage, to queue a row while the relay is down
            async with outage(database_admin, database_url, keep=(writer.get_server_pid(),)):
                await until(relay_down, "not ready while the relay cannot reconnect")
                assert await database_admin.fetch(ADVISORY_LOCKS, database) == [], "the lock died with the session"
                async with writer.transaction():
                    await outbox.add(writer, [(topic, "after-the-loss", envelope(1))])
            await until(ready, "ready again once the database is back")

        assert b"after-the-loss" in await keys_on(kafka_bootstrap, topic, b"after-the-loss")

        async def outbox_empty() -> bool:
            return await pool.fetchval("SELECT count(*) FROM outbox") == 0

        await until(outbox_empty, "the published row deleted")
        [new_pid] = [r["pid"] for r in await database_admin.fetch(ADVISORY_LOCKS, database)]
        assert new_pid != relay_pid and running.relay.state == "relaying"

    async def lock_released() -> bool:
        return await database_admin.fetch(ADVISORY_LOCKS, database) == []

    await until(lock_released, "no advisory lock left once the relay stopped")
    assert running.relay.state == "stopped"


async def offsets_dead_lettered(bootstrap: str, topic: str, until_offset: bytes) -> list[bytes]:
    """The source offsets (header ``offset``) of the dead letters on ``topic``, read until ``until_offset``."""
    def offset(message) -> bytes:
        return dict(message.headers)["offset"]

    return [offset(m) for m in await messages_on(bootstrap, topic, lambda found: until_offset in map(offset, found))]


async def test_a_consumer_waits_out_a_lost_database_and_dead_letters_nothing(pool, database_url, database_admin,
                                                                            prefix, kafka_bootstrap):
    handled: list[uuid.UUID] = []

    async def handler(event) -> None:
        async with pool.acquire() as conn, conn.transaction():
            if await inbox.claim(conn, event.event_id, FAULTS.name):
                handled.append(event.event_id)

    metrics = DeliveryMetrics()
    async with messaging(bootstrap=kafka_bootstrap, topic_prefix=prefix, group_id="leap-faults", pool=pool,
                         subscriptions=((FAULTS, handler),), metrics=metrics, max_attempts=2,
                         relay=False) as running, readiness(pool, running) as client:
        async def ready() -> bool:
            return (await client.get("/health/ready")).status_code == 200

        async def consumer_waiting() -> bool:
            answer = await client.get("/health/ready")
            return answer.status_code == 503 and answer.json()["checks"]["consumers"] is False

        async def failed_more_than_max_attempts() -> bool:
            return running.waits.failures > 2

        await until(ready, "ready")
        sent = envelope(2)
        async with outage(database_admin, database_url):
            producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
            await producer.start()
            try:
                await producer.send_and_wait(FAULTS.full_name(prefix), encode(sent), key=b"during-the-loss")
            finally:
                await producer.stop()
            await until(consumer_waiting, "not ready while the handler waits out the lost database")
            await until(failed_more_than_max_attempts, "the message tried more often than max_attempts")

        async def handled_once() -> bool:
            return handled == [sent.event_id]

        await until(handled_once, "the message handled once the database is back")
        await until(ready, "ready again")
        assert await pool.fetchval("SELECT count(*) FROM dead_letter") == 0
        assert not metrics.registry.get_sample_value("dead_letters_total", {"topic": FAULTS.name})


async def test_a_message_dead_lettered_before_a_crash_is_not_dead_lettered_again(pool, prefix, kafka_bootstrap):
    """The process died after recording a poison message's dead letter and before committing its offset: the
    message comes again, and neither the record nor the dead-letter topic gets it twice."""
    topic, dead_letters = FAULTS.full_name(prefix), topics.dead_letter_for(FAULTS).full_name(prefix)
    await pool.execute("INSERT INTO dead_letter (topic, kafka_partition, kafka_offset, error) VALUES ($1, 0, 0, $2)",
                       topic, "undecodable message (recorded before the crash)")
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"not an envelope", key=b"first")   # offset 0: recorded already
        await producer.send_and_wait(topic, b"not one either", key=b"second")   # offset 1: new
    finally:
        await producer.stop()

    async def nothing(_event) -> None:
        raise AssertionError("a poison message reached the handler")

    metrics = DeliveryMetrics()
    async with messaging(bootstrap=kafka_bootstrap, topic_prefix=prefix, group_id="leap-faults", pool=pool,
                         subscriptions=((FAULTS, nothing),), metrics=metrics, max_attempts=2, relay=False):
        # Sent in order on one partition: offset 0's dead letter, had it been sent again, would come first.
        assert await offsets_dead_lettered(kafka_bootstrap, dead_letters, until_offset=b"1") == [b"1"]
        rows = await pool.fetch("SELECT kafka_offset FROM dead_letter WHERE topic = $1 ORDER BY 1", topic)
        assert [r["kafka_offset"] for r in rows] == [0, 1]
        assert metrics.registry.get_sample_value("dead_letters_total", {"topic": FAULTS.name}) == 1


async def test_a_batch_published_again_by_the_next_relay_is_handled_once(pool, prefix, kafka_bootstrap):
    """A relay published a batch and died before deleting it (killed mid-batch): the next relay publishes the
    same events again, and the consumer, which sees each of them twice, applies each once (its inbox)."""
    topic = FAULTS.full_name(prefix)
    sent = [envelope(n) for n in range(5)]
    async with pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, [(topic, f"k{n}", e) for n, e in enumerate(sent)])
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:  # what the dead relay got out before it could delete: every row, still in the outbox
        for row in await pool.fetch("SELECT topic, key, value FROM outbox ORDER BY id"):
            await producer.send_and_wait(row["topic"], row["value"], key=row["key"].encode())
    finally:
        await producer.stop()

    delivered: list[uuid.UUID] = []
    applied: list[uuid.UUID] = []

    async def handler(event) -> None:
        delivered.append(event.event_id)
        async with pool.acquire() as conn, conn.transaction():
            if await inbox.claim(conn, event.event_id, FAULTS.name):
                applied.append(event.event_id)

    async with messaging(bootstrap=kafka_bootstrap, topic_prefix=prefix, group_id="leap-faults", pool=pool,
                         subscriptions=((FAULTS, handler),), metrics=DeliveryMetrics(), max_attempts=3):
        async def every_event_seen_twice() -> bool:
            return len(delivered) == 2 * len(sent)

        await until(every_event_seen_twice, "each event delivered twice (the dead relay's and the next one's)")
        assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
    assert sorted(applied) == sorted(e.event_id for e in sent)


async def test_the_outbox_backs_up_while_kafka_refuses_writes_and_drains_afterwards(pool, prefix, kafka_bootstrap):
    """The broker answers but refuses the relay's messages (the topic takes none this large): the rows stay in
    the outbox, the relay says so (not ready while it backs off) and publishes every one, in order, once the
    broker takes them again."""
    topic = FAULTS.full_name(prefix)
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()

    async def max_message_bytes(value: str) -> None:
        await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, {"max.message.bytes": value})])

    try:
        await max_message_bytes("64")  # no envelope is this small
        async with messaging(bootstrap=kafka_bootstrap, topic_prefix=prefix, group_id="leap-faults", pool=pool,
                             subscriptions=(), metrics=DeliveryMetrics(), max_attempts=3) as running:
            async with pool.acquire() as conn, conn.transaction():
                await outbox.add(conn, [(topic, f"refused-{n}", envelope(n)) for n in range(3)])

            async def backing_off() -> bool:
                return running.relay.state == "backing off"

            await until(backing_off, "the relay backs off while the broker refuses its messages")
            assert await pool.fetchval("SELECT count(*) FROM outbox") == 3
            await max_message_bytes(str(1024 * 1024))

            async def drained() -> bool:
                return await pool.fetchval("SELECT count(*) FROM outbox") == 0

            await until(drained, "the outbox drained once the broker takes the messages")
        keys = await keys_on(kafka_bootstrap, topic, b"refused-2")
        assert keys == [b"refused-0", b"refused-1", b"refused-2"]
    finally:
        await admin.close()
