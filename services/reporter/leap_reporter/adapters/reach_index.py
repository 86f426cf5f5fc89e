"""Keeps the bitmap reach index fast and honest (loaded by :mod:`leap_reporter.adapters.index_snapshot`).

Every request pins ONE :class:`View` (one read of ``read_model_state.version`` and the pending uploads, in
one statement) and answers every figure of its response from it, so totals and suppression never mix two
snapshots. First the watermark (README: "The watermark"): while an upload or an event is on its way into
the read model, no answer is up to date, and answers come from the last index (built whatever its size,
at most once per ``min_interval``), ``as_of`` the last moment nothing was on its way. Otherwise:

- the index is current (same version): answered from it, ``up_to_date``, ``as_of`` now;
- the read model is newer (stale-while-revalidate): answered from the last built index, NOT up to date,
  ``as_of`` the last moment that index was known to hold everything, while a rebuild runs in the
  background at once (at most one at a time; from ``min_engagements`` up unless an index exists already:
  SQL is fast below);
- no index yet, one older than ``max_staleness`` seconds, or ``current_only`` (``?consistency=current``)
  with a stale index: answered by SQL (exactly the same counts), up to date, ``as_of`` now.

``watch`` looks at the version every 2 s even when nobody asks, so new data is indexed without a
request having to notice it first, and a quiet spell does not count against the staleness cap. A rebuild that
finishes stale while nothing is on its way starts the next one at once: the complete figures (and so the
uploads' "reportable" time) do not wait for the next look.

A rebuild swaps the new index in with one assignment (no await in between), so a request sees the old
snapshot or the new one, never a mixture; requests already answering keep the one they pinned.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import asyncpg
import structlog

from leap_reporter.adapters import progress
from leap_reporter.adapters.lag import LagWatch
from leap_reporter.adapters.index_snapshot import Snapshot, load
from leap_reporter.domain.bitmap_index import BitmapIndex

log = structlog.get_logger()
__all__ = ["ReachIndex", "View", "load"]


@dataclass(frozen=True)
class Waiting:
    """What the figures do not include yet: uploads received and not yet counted (or withdrawals asked for and
    not yet applied), and events published and not yet applied (None: unknown, the broker did not answer)."""

    uploads: int = 0
    events: int | None = 0

    @property
    def nothing(self) -> bool:
        return self.uploads == 0 and self.events == 0


@dataclass(frozen=True)
class View:
    """What one response is answered from: an index (None: SQL), when its data is from, and what it lacks.

    ``up_to_date`` only when it answers from everything the read model holds AND nothing is on its way into
    the read model (the watermark: no upload pending, no event unapplied). ``as_of`` is a lower bound:
    everything received before it is counted. Figures are read from it through ``service.reach_source``."""

    index: BitmapIndex | None
    as_of: datetime
    up_to_date: bool
    waiting: Waiting = Waiting()
    as_at: datetime | None = None  # asked "as at" a past moment: the index of the read model as it stood then

    @classmethod
    def sql(cls) -> View:
        return cls(None, datetime.now(UTC), True)

    def lacking(self, waiting: Waiting, complete_at: datetime | None) -> View:
        """This view as the watermark sees it: not up to date while anything is on its way, and then as of
        the last moment everything received was counted (or the earlier of that and its own as_of)."""
        if waiting.nothing:
            return replace(self, waiting=waiting)
        as_of = min(self.as_of, complete_at) if complete_at else self.as_of
        return replace(self, as_of=as_of, up_to_date=False, waiting=waiting)


@dataclass
class ReachIndex:
    min_engagements: int = 200_000
    min_interval: float = 30.0
    max_staleness: float = 300.0
    busy_share: float = 0.2
    """While data arrives, rebuilds take at most this share of the time: the next starts no sooner than the last
    one's duration / ``busy_share`` after it (and ``min_interval``). A rebuild reads the whole read model, so on
    a large load a fixed interval would rebuild almost without pause, in the process that answers requests."""
    snapshot: Snapshot | None = None
    _known_current_at: datetime | None = field(default=None, repr=False)  # last time it held everything
    _complete_at: datetime | None = field(default=None, repr=False)  # last time nothing was on its way
    lag: LagWatch | None = None
    """The consumer group's lag, watched by the app (None: no broker, as in tests of the read model alone)."""
    _task: asyncio.Task | None = field(default=None, repr=False)
    _last_start: float = float("-inf")
    _last_seconds: float = 0.0  # how long the last rebuild took

    @property
    def current(self) -> BitmapIndex | None:
        return self.snapshot.index if self.snapshot else None

    def describe(self) -> str:
        return self.snapshot.index.describe() if self.snapshot else "not built"

    async def refresh(self, pool: asyncpg.Pool) -> None:
        started = time.perf_counter()
        snapshot = await load(pool)
        self.snapshot, self._known_current_at = snapshot, snapshot.taken_at  # the swap: nothing awaits between
        self._last_seconds = time.perf_counter() - started
        log.info("reach_index.built", version=snapshot.index.version, people=snapshot.index.people,
                 seconds=round(time.perf_counter() - started, 2))

    async def view(self, pool: asyncpg.Pool, *, current_only: bool = False,
                   max_staleness: float | None = None) -> View:
        """The one view a request answers from (see the module docstring), with the watermark applied."""
        version, pending = await progress.version_and_pending(pool)
        waiting = Waiting(pending.uploads, self._events_waiting())
        now = datetime.now(UTC)
        if waiting.nothing:
            self._complete_at = min(now, self.lag.caught_up_at) if self.lag and self.lag.caught_up_at else now
        view = self._view(pool, version, now, current_only=current_only, busy=not waiting.nothing,
                          max_staleness=self.max_staleness if max_staleness is None else max_staleness)
        if waiting.nothing and view.up_to_date:
            view = replace(view, as_of=self._complete_at)
        return view.lacking(waiting, self._complete_at or pending.oldest)

    def _events_waiting(self) -> int | None:
        return self.lag.behind if self.lag is not None else 0

    def _view(self, pool: asyncpg.Pool, version: int, now: datetime, *, current_only: bool, busy: bool,
              max_staleness: float) -> View:
        snapshot = self.snapshot
        if snapshot is not None and snapshot.index.version == version:
            self._known_current_at = now
            return View(snapshot.index, now, True)
        # Any size while data arrives, and then whenever an index exists (it must not go stale below the size).
        self._maybe_rebuild(pool, urgent=not busy, any_size=busy or snapshot is not None)
        if snapshot is None:
            return View(None, now, True)
        if busy:  # nothing answers "current" while data is on its way: the last index, fast and labelled
            return View(snapshot.index, max(snapshot.taken_at, self._known_current_at or snapshot.taken_at), False)
        if current_only:
            return View(None, now, True)
        known_current_at = max(snapshot.taken_at, self._known_current_at or snapshot.taken_at)
        if now - known_current_at > timedelta(seconds=max_staleness):
            return View(None, now, True)
        return View(snapshot.index, known_current_at, False)

    async def watch(self, pool: asyncpg.Pool, every: float = 2.0) -> None:
        """Look at the read-model version every ``every`` seconds, without waiting for a request: new data
        starts a rebuild at once (the first page after an upload finds the index ready), and a quiet
        read model keeps the index known complete (so the staleness cap counts from the first write)."""
        while True:
            try:
                await self.view(pool)
            except Exception as exc:  # the next look tries again; requests do not depend on it
                log.warning("reach_index.watch_failed", error=type(exc).__name__)
            await asyncio.sleep(every)

    def _maybe_rebuild(self, pool: asyncpg.Pool, *, urgent: bool = False, any_size: bool = False) -> None:
        """At most one rebuild at a time, and while data is arriving at most one per ``min_interval`` (or more
        seldom: ``busy_share``); once
        nothing is on its way (``urgent``) at once, so the complete figures are indexed as soon as they exist.
        While data is arriving (``any_size``) the index is built whatever the size: SQL is fast on a small read
        model when it is quiet, but every answer from it competes with the load for the database."""
        if self._task is not None and not self._task.done():
            return
        if not urgent and time.monotonic() - self._last_start < max(self.min_interval,
                                                                    self._last_seconds / self.busy_share):
            return
        self._last_start = time.monotonic()
        self._task = asyncio.create_task(self._rebuild_if_large(pool, any_size))

    async def _rebuild_if_large(self, pool: asyncpg.Pool, any_size: bool = False) -> None:
        try:
            rows = await pool.fetchval("SELECT reltuples::bigint FROM pg_class WHERE oid = 'engagement'::regclass")
            if any_size or self.min_engagements <= 0 or rows >= self.min_engagements:  # an estimate is enough
                await self.refresh(pool)
                version, pending = await progress.version_and_pending(pool)
                if version != self.snapshot.index.version and pending.uploads == 0 and self._events_waiting() == 0:
                    self._last_start = time.monotonic()  # stale already, and complete: the next one at once
                    self._task = asyncio.create_task(self._rebuild_if_large(pool, any_size=True))
        except Exception as exc:  # the last index (or SQL) keeps answering; try again after min_interval
            log.warning("reach_index.failed", error=type(exc).__name__)
