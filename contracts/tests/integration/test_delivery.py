"""The delivery runtime on the real PostgreSQL: migrations, inbox dedupe, and an outbox relay that loses nothing."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from leap_contracts.delivery import database, inbox, outbox
from leap_contracts.envelope import seal
from leap_contracts.events import FileReceivedV1

pytestmark = pytest.mark.integration


def message(n: int):
    event = FileReceivedV1(upload_id=uuid.uuid4(), provider_id=str(n), service_code="CAN", file_format="csv",
                           size_bytes=n, sha256="0" * 64, received_at=datetime.now(UTC))
    return ("t", str(n), seal(event, producer="test", correlation_id="c"))


async def test_migrations_are_applied_once(pool):
    again = await database.migrate(pool, schema="svc", package="leap_contracts.delivery")
    assert again == []
    assert await pool.fetchval("SELECT count(*) FROM schema_migrations WHERE version = '000_delivery_messaging.sql'") == 1


async def test_inbox_claims_an_event_once(pool):
    event_id = uuid.uuid4()
    async with pool.acquire() as conn:
        assert await inbox.claim(conn, event_id, "t") is True
        assert await inbox.claim(conn, event_id, "t") is False


class Producer:
    """Records sends; runs a hook on the first send (between the relay's SELECT and DELETE)."""

    def __init__(self, on_first_send=None):
        self.sent, self.on_first_send = [], on_first_send

    async def send(self, topic, value, key):
        if self.on_first_send:
            hook, self.on_first_send = self.on_first_send, None
            await hook()
        self.sent.append(key)
        future = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future


async def test_a_row_committed_during_a_batch_is_not_lost(pool):
    early = await pool.acquire()
    tx = early.transaction()
    await tx.start()
    await outbox.add(early, [message(1)])          # smaller id, committed later
    async with pool.acquire() as conn:
        await outbox.add(conn, [message(2)])       # larger id, committed now

    producer = Producer(on_first_send=tx.commit)  # row 1 commits between SELECT and DELETE
    relay = outbox.OutboxRelay(pool, producer)
    async with pool.acquire() as conn:
        await relay._publish_batch(conn)
        await relay._publish_batch(conn)
    await pool.release(early)
    assert sorted(producer.sent) == [b"1", b"2"]
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0


async def test_relay_wakes_on_notify_and_publishes(pool):
    producer = Producer()
    relay = outbox.OutboxRelay(pool, producer)
    task = asyncio.create_task(relay.run())
    try:
        async with pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, [message(3)])
        deadline = asyncio.get_running_loop().time() + 10
        while producer.sent != [b"3"]:
            assert asyncio.get_running_loop().time() < deadline, "relay did not publish"
            await asyncio.sleep(0.05)  # poll, bounded by the deadline
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_standby_relay_is_ready_and_the_relays_carry_on_when_the_lock_holder_dies(pool):
    producer = Producer()
    first, second = outbox.OutboxRelay(pool, producer), outbox.OutboxRelay(pool, producer)
    tasks = [asyncio.create_task(first.run())]
    try:
        deadline = asyncio.get_running_loop().time() + 10
        while first.state != "relaying":
            assert asyncio.get_running_loop().time() < deadline, "the first relay did not take the lock"
            await asyncio.sleep(0.05)  # poll, bounded by the deadline
        tasks.append(asyncio.create_task(second.run()))
        while second.state != "standby":
            assert asyncio.get_running_loop().time() < deadline, "the second relay did not stand by"
            await asyncio.sleep(0.05)  # poll, bounded by the deadline
        assert first.ready and second.ready

        holder = await pool.fetchval("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database"
                                     " = (SELECT oid FROM pg_database WHERE datname = current_database())")
        await pool.execute("SELECT pg_terminate_backend($1)", holder)
        async with pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, [message(4)])  # its notification wakes the standby relay
        deadline = asyncio.get_running_loop().time() + 10
        # Either may hold the lock next: the standby, woken by the notification, or the holder, reconnected.
        while producer.sent != [b"4"] or {first.state, second.state} != {"relaying", "standby"}:
            assert asyncio.get_running_loop().time() < deadline, "the relays did not carry on after the holder died"
            await asyncio.sleep(0.05)  # poll, bounded by the deadline
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
