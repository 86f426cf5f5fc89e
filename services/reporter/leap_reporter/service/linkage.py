"""Reach under the admin's linkage policy, with the other linkage's count beside it; setting the policy."""

from __future__ import annotations

import asyncpg

from leap_reporter.adapters import tolerant_linkage as linkage
from leap_reporter.adapters.reach_index import View
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.domain.linkage_policy import AS_AT_NOTE, PolicyRefused, check_choice, comparison, in_force
from leap_reporter.domain.reach import ReachFigures, reach_figures
from leap_reporter.service.reach_source import reach_source


async def count_under(pool: asyncpg.Pool, filters: ReachFilters, view: View | None,
                 under: str) -> tuple[int, dict[str, int]]:
    """From the one source for ``under`` (``reach_source``: the bitmap index holds exact individuals only)."""
    return await reach_source(pool, view, under).count(filters)


def _past(view: View | None) -> bool:
    """Asked as at a past moment: tolerant linkage keeps no history, so such figures use exact linkage."""
    return view is not None and getattr(view, "as_at", None) is not None


async def linkage_in_force(pool: asyncpg.Pool, settings, view: View | None = None) -> str:
    """'exact' or 'tolerant': the admin's choice, exact while tolerant linkage is not running (or as at a past
    moment)."""
    return in_force((await linkage.published(pool))["published"], settings.tolerant_linking and not _past(view))


async def reach_under_policy(pool: asyncpg.Pool, filters: ReachFilters, disclosure: Disclosure, view: View | None,
                             tolerant_running: bool) -> tuple[ReachFigures, dict]:
    """Reach figures under the linkage in force, and the comparison of both counts (same filters)."""
    if _past(view):
        total, per_service = await count_under(pool, filters, view, "exact")
        said = comparison("exact", total, None, disclosure, False, note=AS_AT_NOTE)
        return reach_figures(total, per_service, disclosure), {**said, "tolerant_running": tolerant_running}
    published = in_force((await linkage.published(pool))["published"], tolerant_running)
    total, per_service = await count_under(pool, filters, view, published)
    other = None
    if tolerant_running:
        other, _ = await count_under(pool, filters, view, "tolerant" if published == "exact" else "exact")
    exact, tolerant = (total, other) if published == "exact" else (other, total)
    return (reach_figures(total, per_service, disclosure),
            comparison(published, exact, tolerant, disclosure, tolerant_running))


async def set_policy(pool: asyncpg.Pool, asked: str, actor: str, tolerant_running: bool) -> str:
    """'changed' or 'unchanged'; raises PolicyRefused (audited too)."""
    try:
        check_choice(asked, tolerant_running)
    except PolicyRefused:
        await linkage.set_published(pool, asked, actor, "refused")
        raise
    return await linkage.set_published(pool, asked, actor, None)
