"""While data arrives, the reach index is rebuilt at most once per ``min_interval``, and no more than
``busy_share`` of the time: a rebuild that took long waits that many times its duration before the next."""

import asyncio
import time

from leap_reporter.adapters.reach_index import ReachIndex


class _NoDatabase:
    async def fetchval(self, *_args):
        raise ConnectionError("no database in a unit test")


def _index(last_seconds: float, started_ago: float) -> ReachIndex:
    index = ReachIndex(min_engagements=0, min_interval=30.0, busy_share=0.2)
    index._last_seconds, index._last_start = last_seconds, time.monotonic() - started_ago
    return index


async def _starts_rebuild(index: ReachIndex, *, urgent: bool = False) -> bool:
    index._maybe_rebuild(_NoDatabase(), urgent=urgent, any_size=True)
    started = index._task is not None
    if started:
        await asyncio.wait_for(index._task, 5)  # fails on the missing database, logged, and ends
    return started


async def test_a_quick_rebuild_waits_the_minimum_interval():
    assert not await _starts_rebuild(_index(last_seconds=1.0, started_ago=29.0))
    assert await _starts_rebuild(_index(last_seconds=1.0, started_ago=31.0))


async def test_a_long_rebuild_waits_its_duration_over_the_busy_share():
    assert not await _starts_rebuild(_index(last_seconds=10.0, started_ago=45.0))
    assert await _starts_rebuild(_index(last_seconds=10.0, started_ago=51.0))


async def test_once_nothing_is_on_its_way_the_rebuild_starts_at_once():
    assert await _starts_rebuild(_index(last_seconds=10.0, started_ago=1.0), urgent=True)
