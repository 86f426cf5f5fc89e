"""Waiting for an event to leave the outbox, on the real PostgreSQL: the wait ends only once the relay has sent it,
and gives up (False) while nothing relays."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from leap_contracts.delivery import outbox
from leap_contracts.delivery.published import wait_published
from leap_contracts.envelope import seal
from leap_contracts.events import FileReceivedV1

pytestmark = pytest.mark.integration


class Producer:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def send(self, topic, value, key):
        self.sent.append(key)
        future = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future


async def _queue(pool, key: str) -> None:
    event = FileReceivedV1(upload_id=uuid.uuid4(), provider_id="p", service_code="CAN", file_format="csv",
                           size_bytes=1, sha256="0" * 64, received_at=datetime.now(UTC))
    async with pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, [("uploads", key, seal(event, producer="test", correlation_id="c"))])


async def test_the_wait_ends_once_the_relay_has_sent_the_event_and_not_before(pool):
    await _queue(pool, "queued")
    assert await wait_published(pool, "uploads", "queued", timeout=0.05) is False  # nothing relays yet
    producer = Producer()
    relay = asyncio.create_task(outbox.OutboxRelay(pool, producer).run())
    try:
        assert await wait_published(pool, "uploads", "queued", timeout=10) is True
        assert producer.sent == [b"queued"]
    finally:
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)


async def test_another_topic_or_key_does_not_hold_the_wait(pool):
    await _queue(pool, "other")
    assert await wait_published(pool, "uploads", "mine", timeout=0.05) is True
    assert await wait_published(pool, "elsewhere", "other", timeout=0.05) is True
