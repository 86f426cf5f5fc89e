"""The reach question: count, name, then pass through the disclosure step."""

from __future__ import annotations

import asyncpg

from leap_reporter.adapters.reach import count_reach
from leap_reporter.adapters.reach_index import ReachIndex
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.domain.reach import ReachFigures, reach_figures


async def reach(pool: asyncpg.Pool, filters: ReachFilters, disclosure: Disclosure,
                index: ReachIndex | None = None) -> ReachFigures:
    """From the bitmap index when it is current, else from SQL: the same exact counts either way."""
    found = await index.count(pool, filters) if index is not None else None
    total, per_service = found if found is not None else await count_reach(pool, filters)
    return reach_figures(total, per_service, disclosure)
