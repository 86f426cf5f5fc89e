"""A consumer group rebalance in the middle of a batch (issue 15): a second matcher instance joins the group while
the first holds a chunk mid-way, and leaves it again (stopped, SIGTERM) while chunks are in flight. A lock on the
matcher's ``record`` table holds the chunks at their writes for both moments, so neither races the machine's
speed. The final state is exactly the connected components computed directly, every record is applied once and
every chunk is recorded once in the inbox. Real broker and database (~30-60 s)."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import pytest

from leap_contracts import topics
from leap_tools.throwaway import create_platform, drop_platform, free_port
from matcher_batch import (CHUNKS, UPLOADS, components, count_records, generated_rows, publish, read_partition,
                           wait_for_members)

pytestmark = pytest.mark.e2e
INSTANCES = {"matcher-1": free_port(), "matcher-2": free_port()}
CONSUMERS = 2
"""Kafka consumers of the group in each instance (MATCHER_CONSUMERS)."""
SETTINGS = {"MATCHER_CONSUMERS": str(CONSUMERS), "MATCHER_WORKERS": "1"}
"""Each instance one process (``make test`` exports MATCHER_WORKERS=2 for the platform it starts): the members
counted below are the instances' consumers."""
BATCHES = 4
"""The shared batch (matcher_batch) this many times over, under other upload ids: two halves, one published before
the join and one before the leave."""


def batch_rows() -> list:
    return [(uuid.UUID(int=upload.int + 1000 * b), row, names)
            for b in range(BATCHES) for upload, row, names in generated_rows(seed=11 + b)]


@pytest.fixture(scope="module")
def platform():
    running = create_platform()
    try:
        running.start("matcher", instance="matcher-1", port=INSTANCES["matcher-1"],
                      settings=SETTINGS)
        yield running
    finally:
        drop_platform(running)


async def chunks_and_dead_letters(url: str) -> tuple[int, int]:
    """(chunks recorded in the inbox, each once: event_id is its key; messages dead-lettered)."""
    conn = await asyncpg.connect(url, server_settings={"search_path": "matcher"})
    try:
        return (await conn.fetchval("SELECT count(*) FROM inbox WHERE topic = $1", topics.RECORDS_PSEUDONYMISED.name),
                await conn.fetchval("SELECT count(*) FROM dead_letter"))
    finally:
        await conn.close()


class ChunkGate:
    """Holds the matcher's chunk transactions at their record writes (a SHARE lock on ``record`` conflicts with
    the COPY's ROW EXCLUSIVE) so that a join or a leave happens, for certain, while chunks are in flight: no
    race with how fast the machine applies the batch."""

    def __init__(self, url: str) -> None:
        self.url = url

    async def __aenter__(self) -> ChunkGate:
        self.conn = await asyncpg.connect(self.url, server_settings={"search_path": "matcher"})
        self.tx = self.conn.transaction()
        await self.tx.start()
        await self.conn.execute("LOCK TABLE record IN SHARE MODE")
        return self

    async def held(self, deadline_s: float = 120.0) -> None:
        """Until a chunk's transaction waits at the gate (it has claimed its inbox row and is mid-chunk)."""
        deadline = time.monotonic() + deadline_s
        while not await self.conn.fetchval(
                "SELECT count(*) FROM pg_locks WHERE relation = 'matcher.record'::regclass AND NOT granted"):
            assert time.monotonic() < deadline, "no chunk reached the gate"
            await asyncio.sleep(0.05)  # poll, bounded by the deadline

    async def __aexit__(self, *exc) -> None:
        await self.tx.rollback()  # opens the gate
        await self.conn.close()


def test_an_instance_joining_and_leaving_mid_batch_changes_nothing(platform):
    env, rows = platform.env, batch_rows()
    first, second = rows[:len(rows) // 2], rows[len(rows) // 2:]  # whole uploads: batches of their own ids
    url, bootstrap = env["MATCHER_DATABASE_URL"], env["MATCHER_KAFKA_BOOTSTRAP"]
    group, topic = platform.prefix + "leap-matcher", platform.prefix + topics.RECORDS_PSEUDONYMISED.name
    asyncio.run(wait_for_members(bootstrap, group, topic, members=CONSUMERS))

    async def join_mid_chunk() -> int:
        async with ChunkGate(url) as gate:
            await publish(bootstrap, platform.prefix, first)
            await gate.held()
            await asyncio.to_thread(platform.start, "matcher", instance="matcher-2", port=INSTANCES["matcher-2"],
                                    settings=SETTINGS)
            await wait_for_members(bootstrap, group, topic, members=2 * CONSUMERS)  # moved with a chunk held
            joined_at = await count_records(url)
        return joined_at

    joined_at = asyncio.run(join_mid_chunk())
    assert joined_at < len(first)

    async def leave_mid_chunk() -> int:
        async with ChunkGate(url) as gate:
            await publish(bootstrap, platform.prefix, second)
            await gate.held()
            left_at = await count_records(url)
            platform.processes["matcher-2"].terminate()  # leaves (SIGTERM) with chunks in flight
        await asyncio.to_thread(platform.stop, "matcher-2")  # already asked to stop: waits for its exit
        await wait_for_members(bootstrap, group, topic, members=CONSUMERS)  # its partitions moved back
        return left_at

    left_at = asyncio.run(leave_mid_chunk())
    assert left_at < len(rows)

    deadline = time.monotonic() + 180
    while asyncio.run(count_records(url)) < len(rows) and time.monotonic() < deadline:
        time.sleep(0.2)  # poll, bounded by the deadline
    assert asyncio.run(count_records(url)) == len(rows)
    got, live = asyncio.run(read_partition(url))
    assert got == components(rows)
    assert live == len(got)
    assert asyncio.run(chunks_and_dead_letters(url)) == (BATCHES * UPLOADS * CHUNKS, 0)
