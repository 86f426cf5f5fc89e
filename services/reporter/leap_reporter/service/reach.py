"""The reach question: count, name, then pass through the disclosure step."""

from __future__ import annotations

import asyncpg

from leap_reporter.adapters.reach_index import View
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.domain.reach import ReachFigures, reach_figures
from leap_reporter.service.reach_source import reach_source


async def reach(pool: asyncpg.Pool, filters: ReachFilters, disclosure: Disclosure,
                view: View | None = None) -> ReachFigures:
    """Counted where :func:`leap_reporter.service.reach_source.reach_source` says (exact individuals)."""
    total, per_service = await reach_source(pool, view).count(filters)
    return reach_figures(total, per_service, disclosure)
