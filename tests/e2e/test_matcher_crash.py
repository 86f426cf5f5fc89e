"""Kill a matcher instance in the middle of a batch: with a second instance in the same consumer group
(and the killed one restarted), every record is applied exactly once and the individuals are exactly
the connected components computed directly. Runs on the real broker and database (~30-60 s)."""

from __future__ import annotations

import asyncio
import time

import pytest

from leap_tools.throwaway import create_platform, drop_platform, free_port
from matcher_batch import components, count_records, generated_rows, publish, read_partition

pytestmark = pytest.mark.e2e
INSTANCES = {"matcher-1": free_port(), "matcher-2": free_port()}


@pytest.fixture(scope="module")
def matchers():
    platform = create_platform()
    try:
        for name, port in INSTANCES.items():
            platform.start("matcher", instance=name, port=port)
        yield platform
    finally:
        drop_platform(platform)


def test_killing_an_instance_mid_batch_changes_nothing(matchers):
    env, rows = matchers.env, generated_rows()
    url = env["MATCHER_DATABASE_URL"]
    asyncio.run(publish(env["MATCHER_KAFKA_BOOTSTRAP"], matchers.prefix, rows))

    deadline = time.monotonic() + 90
    while (applied := asyncio.run(count_records(url))) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)  # poll until the batch is under way
    assert 0 < applied < len(rows), "the batch finished before the kill: make it bigger"
    matchers.stop("matcher-1", kill=True)                       # SIGKILL, mid-transaction
    matchers.start("matcher", instance="matcher-1", port=INSTANCES["matcher-1"])

    while (applied := asyncio.run(count_records(url))) < len(rows) and time.monotonic() < deadline:
        time.sleep(0.2)  # poll, bounded by the deadline
    assert applied == len(rows)
    got, live = asyncio.run(read_partition(url))
    expected = components(rows)
    assert got == expected
    assert live == len(expected)
