"""The dashboard's note on figures revised since a return published them: for each recent published return, its
overall reach as published beside the same figure now (both disclosed as the return was)."""

from __future__ import annotations

import asyncpg

from leap_reporter.adapters import publications
from leap_reporter.adapters.reach_index import View
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.service.reach_source import reach_source


async def revised_returns(pool: asyncpg.Pool, view: View, limit: int = 20) -> list[dict]:
    """The recent returns whose overall reach for their period has changed since they were published."""
    notes = []
    for row in await publications.recent_totals(pool, limit):
        rules = row["suppression"]
        disclosure = Disclosure(rules["enabled"], rules["threshold"], rules["rounding_base"])
        filters = ReachFilters(date_from=row["period_from"], date_to=row["period_to"])
        total, _ = await reach_source(pool, view).count(filters)
        now = disclosure.count(total)
        if now != row["published_total"]:
            notes.append({"name": row["name"], "period_from": row["period_from"], "period_to": row["period_to"],
                          "published_at": row["published_at"], "published": row["published_total"], "now": now,
                          "publication_id": str(row["publication_id"])})
    return notes
