""""As at" answers: a reach index of the read model as it stood at a moment, built from its history once and kept
(the few most recently asked), so the figures of a past moment answer as fast as today's."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg
import structlog

from leap_reporter.adapters import history
from leap_reporter.adapters.index_snapshot import load
from leap_reporter.adapters.reach_index import View
from leap_reporter.domain.as_at import Moment, at_version, before_history
from leap_reporter.domain.bitmap_index import BitmapIndex

log = structlog.get_logger()


@dataclass
class AsAtIndexes:
    """Indexes of past moments, least recently asked dropped first (each is as large as the current index)."""

    keep: int = 2
    _built: OrderedDict[Moment, BitmapIndex] = field(default_factory=OrderedDict)
    _building: dict[Moment, asyncio.Future] = field(default_factory=dict)

    async def index(self, pool: asyncpg.Pool, moment: Moment) -> BitmapIndex:
        found = self._built.get(moment)
        if found is not None:
            self._built.move_to_end(moment)
            return found
        pending = self._building.get(moment)
        if pending is not None:  # someone is building it: wait for theirs
            return await asyncio.shield(pending)
        future = asyncio.get_running_loop().create_future()
        self._building[moment] = future
        try:
            built = (await load(pool, moment)).index
            future.set_result(built)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: nobody else may be waiting
            raise
        finally:
            del self._building[moment]
        self.remember(moment, built)
        log.info("as_at_index.built", rows_at=moment.rows_at, ids_at=moment.ids_at, people=built.people)
        return built


    def remember(self, moment: Moment, index: BitmapIndex) -> None:
        """Keep ``index`` as the one of ``moment`` (a publication's current index is the index as at its version)."""
        self._built[moment] = index
        self._built.move_to_end(moment)
        while len(self._built) > max(self.keep, 1):
            self._built.popitem(last=False)


async def view_at(pool: asyncpg.Pool, indexes: AsAtIndexes, at: datetime) -> View:
    """The view a request asking "as at ``at``" answers from. Raises InvalidFilters before the history began."""
    version = await history.version_at(pool, at)
    if version is None:
        raise before_history(at, await history.history_began(pool))
    index = await indexes.index(pool, at_version(version))
    return View(index, at, True, as_at=at)


async def view_of(pool: asyncpg.Pool, indexes: AsAtIndexes, moment: Moment) -> View:
    """A view of any moment (the revision report's steps), labelled with when its records are from."""
    index = await indexes.index(pool, moment)
    at = await history.time_of(pool, moment.added_until or moment.rows_at)
    return View(index, at or datetime.now(UTC), True, as_at=at)
