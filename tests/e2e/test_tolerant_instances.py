"""Tolerant linkage with two matcher instances (and two consumers each) on the real broker and database
gives exactly the partition computed in one pass by the pure domain code from the same records: the
tolerant partition depends on the set of records only, whatever instance handles which chunk."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from leap_contracts import topics
from leap_contracts.envelope import encode, seal
from leap_matcher.domain.tolerant import partition
from leap_matcher.service.tolerant_linking import tolerant_record
from leap_tools.throwaway import create_platform, drop_platform, free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "matcher" / "benchmarks"))
from tolerant_throughput import chunks

pytestmark = pytest.mark.e2e
ROWS = 4_000


@pytest.fixture(scope="module")
def matchers():
    platform = create_platform(settings={"MATCHER_TOLERANT_LINKING": "1", "MATCHER_CONSUMERS": "2"})
    try:
        for name in ("matcher-1", "matcher-2"):
            platform.start("matcher", instance=name, port=free_port())
        yield platform
    finally:
        drop_platform(platform)


async def _publish(bootstrap: str, prefix: str, events) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=16 * 1024 * 1024)
    await producer.start()
    try:
        await asyncio.gather(*[await producer.send(
            topics.RECORDS_PSEUDONYMISED.full_name(prefix), encode(seal(e, producer="test", correlation_id="t")),
            key=topics.chunk_key(e.upload_id, e.chunk_index).encode()) for e in events])
    finally:
        await producer.stop()


async def _clusters(url: str) -> dict[str, str]:
    conn = await asyncpg.connect(url, server_settings={"search_path": "matcher"})
    try:
        return {r[0]: r[1] for r in await conn.fetch("SELECT record_id, cluster FROM tolerant_record")}
    finally:
        await conn.close()


def test_two_instances_give_the_one_pass_partition(matchers):
    events = chunks(ROWS, seed=5)
    records = [tolerant_record(e.upload_id, e.service_code, r) for e in events for r in e.records]
    result = partition(records)
    want = result.cluster_of
    assert any("mk_name_dob" in link.pattern for link in result.links)  # fuzzy links among them
    env = matchers.env
    asyncio.run(_publish(env["MATCHER_KAFKA_BOOTSTRAP"], matchers.prefix, events))
    deadline = time.monotonic() + 120
    got = asyncio.run(_clusters(env["MATCHER_DATABASE_URL"]))
    while (len(got) < len(records) or None in got.values()) and time.monotonic() < deadline:
        time.sleep(0.5)  # poll, bounded by the deadline
        got = asyncio.run(_clusters(env["MATCHER_DATABASE_URL"]))
    assert got == want
