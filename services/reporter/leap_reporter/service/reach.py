"""The reach question: count, name, then pass through the disclosure step."""

from __future__ import annotations

import asyncpg

from leap_reporter.adapters.reach import count_reach
from leap_reporter.adapters.reach_index import View
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.domain.reach import ReachFigures, reach_figures


async def reach(pool: asyncpg.Pool, filters: ReachFilters, disclosure: Disclosure,
                view: View | None = None) -> ReachFigures:
    """From the request's view of the bitmap index when it has one, else from SQL: the same exact counts."""
    found = view.count(filters) if view is not None else None
    total, per_service = found if found is not None else await count_reach(pool, filters)
    return reach_figures(total, per_service, disclosure)
