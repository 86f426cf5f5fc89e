"""Loads the bitmap reach index from one snapshot of the read model, and keeps it honest.

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
from leap_reporter.adapters.scope import PEOPLE, PERSON
from leap_reporter.domain import bitmap_breakdowns
from leap_reporter.domain.bitmap_index import PERSON_ATTRIBUTES, BitmapIndex
from leap_reporter.domain.filters import ReachFilters

log = structlog.get_logger()
STRAND_OF = {code: s.strand for code, s in SERVICES.items()}

_PEOPLE_IDS = f"""CREATE TEMP TABLE ix_person ON COMMIT DROP AS
WITH {PEOPLE} SELECT (row_number() OVER ())::int AS id, * FROM people"""
_CELLS = f"""SELECT x.service_code, coalesce(x.ward_code, '') AS ward, x.engagement_date, array_agg(DISTINCT p.id) AS ids
  FROM engagement x LEFT JOIN individual_alias a ON a.ref = x.individual_ref
  JOIN ix_person p ON p.person = {PERSON}
 WHERE x.attended GROUP BY 1, 2, 3"""


async def load(pool: asyncpg.Pool) -> BitmapIndex:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        version = await read_model_state.version(conn)
        await conn.execute(_PEOPLE_IDS)
        await conn.execute("CREATE INDEX ON ix_person (person)")
        await conn.execute("ANALYZE ix_person")
        people = await conn.fetchval("SELECT count(*) FROM ix_person")
        attributes = []
        for name in PERSON_ATTRIBUTES:
            rows = await conn.fetch(f"SELECT {name} AS value, array_agg(id) AS ids FROM ix_person GROUP BY 1")
            attributes += [(name, r["value"], r["ids"]) for r in rows if r["value"] is not None]
        cells = [(r[0], r[1], r[2], r[3]) for r in await conn.fetch(_CELLS)]
        wards = {r["ward_code"]: r["ward_name"] for r in await conn.fetch("SELECT * FROM ward")}
    return await asyncio.to_thread(BitmapIndex.build, version, cells, attributes, wards, people)


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

    async def count(self, pool: asyncpg.Pool, filters: ReachFilters) -> tuple[int, dict[str, int]] | None:
        """The answer from the index if it is current; None (and maybe a background rebuild) if not."""
        version = await read_model_state.version(pool)
        if self.current is not None and self.current.version == version:
            return self.current.count(filters)
        self._maybe_rebuild(pool)
        return None

    async def breakdown(self, pool: asyncpg.Pool, filters: ReachFilters, by: str) -> tuple[int, dict[str, int]] | None:
        """A reach breakdown from the index if it is current; None if not (the caller uses SQL)."""
        version = await read_model_state.version(pool)
        if self.current is not None and self.current.version == version:
            return bitmap_breakdowns.breakdown(self.current, filters, by, STRAND_OF)
        self._maybe_rebuild(pool)
        return None

    async def new_by_period(self, pool: asyncpg.Pool, filters: ReachFilters, by: str) -> dict[str, int] | None:
        version = await read_model_state.version(pool)
        if self.current is not None and self.current.version == version:
            return bitmap_breakdowns.new_by_period(self.current, filters, by)
        self._maybe_rebuild(pool)
        return None

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
