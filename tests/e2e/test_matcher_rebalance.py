"""A consumer group rebalance in the middle of a batch (issue 15): a second matcher instance joins the group while the
first is applying chunks, and leaves it again (stopped, SIGTERM) while work remains. The partitions move twice
with chunks in flight; the final state is exactly the connected components computed directly, every record
is applied once and every chunk is recorded once in the inbox. Real broker and database (~30-60 s)."""

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
BATCHES = 4
"""The shared batch (matcher_batch) this many times over, under other upload ids: enough work that the second
instance's start-up (seconds) ends well before the first instance is done."""


def batch_rows() -> list:
    return [(uuid.UUID(int=upload.int + 1000 * b), row, names)
            for b in range(BATCHES) for upload, row, names in generated_rows(seed=11 + b)]


@pytest.fixture(scope="module")
def platform():
    running = create_platform()
    try:
        running.start("matcher", instance="matcher-1", port=INSTANCES["matcher-1"],
                      settings={"MATCHER_CONSUMERS": str(CONSUMERS)})
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


def test_an_instance_joining_and_leaving_mid_batch_changes_nothing(platform):
    env, rows = platform.env, batch_rows()
    url, bootstrap = env["MATCHER_DATABASE_URL"], env["MATCHER_KAFKA_BOOTSTRAP"]
    group, topic = platform.prefix + "leap-matcher", platform.prefix + topics.RECORDS_PSEUDONYMISED.name
    asyncio.run(wait_for_members(bootstrap, group, topic, members=CONSUMERS))
    asyncio.run(publish(bootstrap, platform.prefix, rows))

    deadline = time.monotonic() + 120
    while asyncio.run(count_records(url)) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)  # poll until the batch is under way
    platform.start("matcher", instance="matcher-2", port=INSTANCES["matcher-2"],  # joins: partitions move
                   settings={"MATCHER_CONSUMERS": str(CONSUMERS)})
    asyncio.run(wait_for_members(bootstrap, group, topic, members=2 * CONSUMERS))
    joined_at = asyncio.run(count_records(url))
    assert 0 < joined_at < len(rows), "the batch finished before the second instance joined: make it bigger"

    while asyncio.run(count_records(url)) < joined_at + 300 and time.monotonic() < deadline:
        time.sleep(0.05)  # poll until both have applied more
    platform.stop("matcher-2")  # leaves (SIGTERM): its partitions move back, mid-chunk or between two
    left_at = asyncio.run(count_records(url))
    assert left_at < len(rows), "the batch finished before the second instance left: make it bigger"

    while asyncio.run(count_records(url)) < len(rows) and time.monotonic() < deadline:
        time.sleep(0.2)  # poll, bounded by the deadline
    assert asyncio.run(count_records(url)) == len(rows)
    got, live = asyncio.run(read_partition(url))
    assert got == components(rows)
    assert live == len(got)
    assert asyncio.run(chunks_and_dead_letters(url)) == (BATCHES * UPLOADS * CHUNKS, 0)
