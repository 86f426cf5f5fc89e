"""The reach question: count, name, then pass through the disclosure step."""

from __future__ import annotations

import asyncpg

from leap_reporter.adapters.reach import count_reach
from leap_reporter.domain.disclosure import disclose
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.domain.reach import ReachFigures, reach_figures


async def reach(pool: asyncpg.Pool, filters: ReachFilters) -> ReachFigures:
    total, per_service = await count_reach(pool, filters)
    return disclose(reach_figures(total, per_service))
