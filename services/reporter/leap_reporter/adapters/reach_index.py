"""Keeps the bitmap reach index honest (loaded by :mod:`leap_reporter.adapters.index_snapshot`).

The index is used only while ``read_model_state.version`` equals the version it
was built from (one cheap primary-key read per request); otherwise the request
is answered by SQL and a rebuild is started in the background (at most one at a
time, at most one per ``min_interval`` seconds). So answers are always exactly
what the SQL path would give; the index only makes them fast once the read model
is quiet. Read models under ``min_engagements`` never build one (SQL is fast there).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import asyncpg
import structlog

from leap_contracts.catalogue import SERVICES

from leap_reporter.adapters import read_model_state
from leap_reporter.adapters.index_snapshot import load
from leap_reporter.domain import bitmap_breakdowns, bitmap_patterns
from leap_reporter.domain.bitmap_index import BitmapIndex
from leap_reporter.domain.filters import ReachFilters

log = structlog.get_logger()
STRAND_OF = {code: s.strand for code, s in SERVICES.items()}
__all__ = ["ReachIndex", "load"]


@dataclass
class ReachIndex:
    min_engagements: int = 200_000
    min_interval: float = 30.0
    current: BitmapIndex | None = None
    _task: asyncio.Task | None = field(default=None, repr=False)
    _last_start: float = float("-inf")

    def describe(self) -> str:
        return self.current.describe() if self.current else "not built"

    async def refresh(self, pool: asyncpg.Pool) -> None:
        started = time.perf_counter()
        self.current = await load(pool)
        log.info("reach_index.built", version=self.current.version, people=self.current.people,
                 seconds=round(time.perf_counter() - started, 2))

    async def _current(self, pool: asyncpg.Pool) -> BitmapIndex | None:
        """The index if it is current; None (and maybe a background rebuild) if not: the caller uses SQL."""
        version = await read_model_state.version(pool)
        if self.current is not None and self.current.version == version:
            return self.current
        self._maybe_rebuild(pool)
        return None

    async def count(self, pool: asyncpg.Pool, filters: ReachFilters) -> tuple[int, dict[str, int]] | None:
        index = await self._current(pool)
        return index.count(filters) if index is not None else None

    async def breakdown(self, pool: asyncpg.Pool, filters: ReachFilters, by: str) -> tuple[int, dict[str, int]] | None:
        index = await self._current(pool)
        return bitmap_breakdowns.breakdown(index, filters, by, STRAND_OF) if index is not None else None

    async def new_by_period(self, pool: asyncpg.Pool, filters: ReachFilters, by: str) -> dict[str, int] | None:
        index = await self._current(pool)
        return bitmap_breakdowns.new_by_period(index, filters, by) if index is not None else None

    async def pattern(self, pool: asyncpg.Pool, filters: ReachFilters, name: str):
        """An engagement pattern (a function of :mod:`leap_reporter.domain.bitmap_patterns`) from the index, off
        the event loop (numpy releases it); None if the index is not current."""
        index = await self._current(pool)
        if index is None or index.rows is None:
            return None
        return await asyncio.to_thread(getattr(bitmap_patterns, name), index, filters)

    def _maybe_rebuild(self, pool: asyncpg.Pool) -> None:
        if self._task is not None and not self._task.done():
            return
        if time.monotonic() - self._last_start < self.min_interval:
            return
        self._last_start = time.monotonic()
        self._task = asyncio.create_task(self._rebuild_if_large(pool))

    async def _rebuild_if_large(self, pool: asyncpg.Pool) -> None:
        try:
            rows = await pool.fetchval("SELECT reltuples::bigint FROM pg_class WHERE oid = 'engagement'::regclass")
            if self.min_engagements <= 0 or rows >= self.min_engagements:  # an estimate is enough here
                await self.refresh(pool)
        except Exception as exc:  # the SQL path keeps answering; try again after min_interval
            log.warning("reach_index.failed", error=type(exc).__name__)
