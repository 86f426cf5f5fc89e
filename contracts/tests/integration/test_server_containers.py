"""The container path's fault primitives (what tests/e2e/test_faults.py does to the servers): a crashed
PostgreSQL and a stopped or paused Kafka come back at the same address with their data."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from leap_contracts.testing_servers import containers, servers

pytestmark = pytest.mark.integration


@pytest.fixture
def running():
    if servers().mode != "containers":
        pytest.skip("LEAP_TEST_SERVERS=local: the shared local servers are restarted by test_faults.py alone")
    running = containers()
    yield running
    running.restore()


async def test_a_crashed_postgres_comes_back_at_its_address_with_what_was_committed(running, database_url):
    connection = await asyncpg.connect(database_url)
    await connection.execute("CREATE TABLE svc.survives (id int); INSERT INTO svc.survives VALUES (7)")
    await asyncio.to_thread(running.postgres_crash)
    assert running.status("postgres") == "exited"
    with pytest.raises((OSError, asyncpg.PostgresError, asyncpg.InterfaceError)):
        await connection.fetchval("SELECT 1")
    await asyncio.to_thread(running.postgres_start)
    again = await asyncpg.connect(database_url)
    try:
        assert await again.fetchval("SELECT id FROM svc.survives") == 7
        await again.execute("DROP TABLE svc.survives")
    finally:
        await again.close()


async def test_a_stopped_and_a_paused_kafka_come_back_with_their_messages(running):
    topic = f"test-containers-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=running.kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=running.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"before the stop")
    finally:
        await producer.stop()
    await asyncio.to_thread(running.kafka_pause)
    assert running.status("kafka") == "paused"
    await asyncio.to_thread(running.kafka_stop)  # resumes first: a paused broker would not hear SIGTERM
    await asyncio.to_thread(running.kafka_start)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=running.kafka_bootstrap, auto_offset_reset="earliest",
                                group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        batch = await consumer.getmany(timeout_ms=30_000, max_records=1)
        assert [m.value for messages in batch.values() for m in messages] == [b"before the stop"]
    finally:
        await consumer.stop()
