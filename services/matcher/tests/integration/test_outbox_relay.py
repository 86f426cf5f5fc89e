"""The outbox relay publishes every committed row exactly once it is visible, and deletes only what it sent."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from leap_contracts.envelope import seal
from leap_contracts.events import FileReceivedV1
from leap_matcher.adapters import outbox
from leap_matcher.adapters.outbox import OutboxRelay

pytestmark = pytest.mark.integration


def message(n: int):
    event = FileReceivedV1(upload_id=uuid.uuid4(), provider_id=str(n), service_code="CAN", file_format="csv",
                           size_bytes=n, sha256="0" * 64, received_at=datetime.now(UTC))
    return ("t", str(n), seal(event, producer="test", correlation_id="c"))


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
    relay = OutboxRelay(pool, producer)
    async with pool.acquire() as conn:
        await relay._publish_batch(conn)
        await relay._publish_batch(conn)
    await pool.release(early)
    assert sorted(producer.sent) == [b"1", b"2"]
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
