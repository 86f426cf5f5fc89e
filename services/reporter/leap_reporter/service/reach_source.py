"""Where the reach figures are counted: ONE interface, two implementations, chosen in ONE place.

:class:`IndexSource` counts on the bitmap index of a request's view (:mod:`leap_reporter.domain.bitmap_index`,
``bitmap_breakdowns``, ``bitmap_patterns``: no I/O); :class:`SqlSource` asks the read model
(:mod:`leap_reporter.adapters.reach_sql`, ``breakdowns``, ``patterns``). Both count exactly the same (the
integration tests compare them figure by figure). :func:`reach_source` chooses: the index when the view has
one and the figure counts exact individuals (the index holds exact individuals only), else SQL under the
linkage asked for.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

import asyncpg

from leap_contracts.catalogue import SERVICES

from leap_reporter.adapters import breakdowns, patterns
from leap_reporter.adapters.reach_index import View
from leap_reporter.adapters.reach_sql import count_reach
from leap_reporter.domain import bitmap_breakdowns, bitmap_patterns
from leap_reporter.domain.bitmap_index import BitmapIndex
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.domain.reach import ReachFigures, reach_figures

STRAND_OF = {code: s.strand for code, s in SERVICES.items()}

Counts = tuple[int, dict[str, int]]
"""(unique individuals overall, unique individuals per category)."""
OnceOnly = tuple[int, int, dict[str, int]]
"""(individuals reached, reached exactly once and never again, those per service)."""


class ReachSource(Protocol):
    """Exact counts of distinct individuals with attended contacts within the filters."""

    linkage: str  # who is a person: "exact" or "tolerant" (families always relate exact individuals)

    async def count(self, filters: ReachFilters) -> Counts: ...
    async def breakdown(self, filters: ReachFilters, by: str) -> Counts: ...
    async def new_by_period(self, filters: ReachFilters, period: str) -> dict[str, int]: ...
    async def distribution(self, filters: ReachFilters, column: str) -> dict[int, int]: ...
    async def overlap(self, filters: ReachFilters) -> dict[tuple[str, str], int]: ...
    async def once_only(self, filters: ReachFilters) -> OnceOnly: ...
    async def families(self, filters: ReachFilters) -> dict[str, int]: ...


@dataclass(frozen=True)
class IndexSource:
    """Counted on one snapshot of the bitmap index (exact individuals). The pattern figures run off the event
    loop (numpy releases it); the rest is quick enough to run on it."""

    index: BitmapIndex
    linkage: str = "exact"

    async def count(self, filters: ReachFilters) -> Counts:
        return self.index.count(filters)

    async def breakdown(self, filters: ReachFilters, by: str) -> Counts:
        return bitmap_breakdowns.breakdown(self.index, filters, by, STRAND_OF)

    async def new_by_period(self, filters: ReachFilters, period: str) -> dict[str, int]:
        return bitmap_breakdowns.new_by_period(self.index, filters, period)

    async def distribution(self, filters: ReachFilters, column: str) -> dict[int, int]:
        per_person = bitmap_patterns.services_per_person if column == "services" else bitmap_patterns.contacts_per_person
        return await asyncio.to_thread(per_person, self.index, filters)

    async def overlap(self, filters: ReachFilters) -> dict[tuple[str, str], int]:
        return await asyncio.to_thread(bitmap_patterns.overlap, self.index, filters)

    async def once_only(self, filters: ReachFilters) -> OnceOnly:
        return await asyncio.to_thread(bitmap_patterns.once_only, self.index, filters)

    async def families(self, filters: ReachFilters) -> dict[str, int]:
        return await asyncio.to_thread(bitmap_patterns.families, self.index, filters)


@dataclass(frozen=True)
class SqlSource:
    """Counted by the read model's queries, as of now, under ``linkage``."""

    pool: asyncpg.Pool
    linkage: str = "exact"

    async def count(self, filters: ReachFilters) -> Counts:
        return await count_reach(self.pool, filters, self.linkage)

    async def breakdown(self, filters: ReachFilters, by: str) -> Counts:
        return await breakdowns.reach_by(self.pool, filters, by, self.linkage)

    async def new_by_period(self, filters: ReachFilters, period: str) -> dict[str, int]:
        return await breakdowns.new_by_period(self.pool, filters, period, self.linkage)

    async def distribution(self, filters: ReachFilters, column: str) -> dict[int, int]:
        return await patterns.distribution(self.pool, filters, column, self.linkage)

    async def overlap(self, filters: ReachFilters) -> dict[tuple[str, str], int]:
        return await patterns.overlap(self.pool, filters, self.linkage)

    async def once_only(self, filters: ReachFilters) -> OnceOnly:
        return await patterns.once_only(self.pool, filters, self.linkage)

    async def families(self, filters: ReachFilters) -> dict[str, int]:
        return await patterns.families(self.pool, filters)


def reach_source(pool: asyncpg.Pool, view: View | None, linkage: str = "exact") -> ReachSource:
    """THE choice: the view's index when it has one (with the engagement columns the pattern figures read) and
    ``linkage`` is exact; otherwise SQL, now, under ``linkage``."""
    index = view.index if view is not None else None
    if index is not None and index.rows is not None and linkage == "exact":
        return IndexSource(index)
    return SqlSource(pool, linkage)


async def reach(pool: asyncpg.Pool, filters: ReachFilters, disclosure: Disclosure,
                view: View | None = None) -> ReachFigures:
    """The reach question (exact individuals): counted, named, then passed through the disclosure step."""
    total, per_service = await reach_source(pool, view).count(filters)
    return reach_figures(total, per_service, disclosure)
