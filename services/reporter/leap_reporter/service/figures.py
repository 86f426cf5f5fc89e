"""Every published figure by name: one function per table, all through the disclosure step."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date

import asyncpg

from leap_reporter.adapters.breakdowns import DIMENSIONS, PERIODS
from leap_reporter.adapters.reach_index import View
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.domain.tables import Table
from leap_reporter.service import linkage_tables, outcome_tables, pattern_tables, quality_tables, reach_tables
from leap_reporter.service.reach_source import ReachSource, reach_source


@dataclass(frozen=True)
class Ask:
    """One figure request: the checked filters, how to disclose, and the few extra parameters."""

    filters: ReachFilters
    disclosure: Disclosure
    grace_days: int = 15
    today: date | None = None
    upload_id: uuid.UUID | None = None
    view: View = field(default_factory=View.sql)  # the one snapshot every figure of a response comes from
    linkage: str = "exact"  # who is a person in reach tables: the published linkage policy in force
    tolerant_running: bool = False  # tolerant linkage runs (REPORTER_TOLERANT_LINKING): its figures are shown

    def source(self, pool: asyncpg.Pool, linkage: str | None = None) -> ReachSource:
        """Where this request's reach figures are counted (``linkage``: the policy in force unless given)."""
        return reach_source(pool, self.view, linkage or self.linkage)


Figure = Callable[[asyncpg.Pool, Ask], Awaitable[Table]]


def _reach_by(by: str) -> Figure:
    return lambda pool, ask: reach_tables.reach_table(pool, ask.source(pool), ask.filters, by, ask.disclosure)


def _new_by(period: str) -> Figure:
    return lambda pool, ask: reach_tables.new_table(ask.source(pool), ask.filters, period, ask.disclosure)


def _per_individual(column: str) -> Figure:
    return lambda p, a: pattern_tables.distribution_table(a.source(p), a.filters, column, a.disclosure)


FIGURES: dict[str, Figure] = {
    **{f"reach-by-{by}": _reach_by(by) for by in DIMENSIONS},
    **{f"new-by-{period}": _new_by(period) for period in PERIODS},
    "services-per-individual": _per_individual("services"),
    "contacts-per-individual": _per_individual("contacts"),
    "overlap": lambda p, a: pattern_tables.overlap_table(a.source(p), a.filters, a.disclosure),
    "once-only": lambda p, a: pattern_tables.once_only_table(a.source(p), a.filters, a.disclosure),
    "families": lambda p, a: pattern_tables.families_table(a.source(p, "exact"), a.filters, a.disclosure),
    "quality-uploads": lambda p, a: quality_tables.uploads_table(p, a.disclosure, a.grace_days, a.upload_id),
    "quality-problems": lambda p, a: quality_tables.problems_table(p, a.disclosure, a.upload_id),
    "quality-by-service": lambda p, a: quality_tables.rollup_table(p, a.disclosure, "service", a.grace_days,
                                                                   a.today or date.today()),
    "quality-by-provider": lambda p, a: quality_tables.rollup_table(p, a.disclosure, "provider", a.grace_days,
                                                                    a.today or date.today()),
    "quality-missing-months": lambda p, a: quality_tables.timeliness_table(p, a.today or date.today()),
    "quality-linkage": lambda p, a: linkage_tables.summary_table(p, a.disclosure, a.tolerant_running),
    "quality-linkage-by-provider": lambda p, a: linkage_tables.by_provider_table(p, a.disclosure, a.tolerant_running),
    "quality-linkage-by-upload": lambda p, a: linkage_tables.by_upload_table(p, a.disclosure, a.tolerant_running),
    **outcome_tables.FIGURES,
}
"""Quality figures ignore the reach filters; ``upload_id`` narrows the upload tables to one upload."""


FROM_INDEX = frozenset(n for n in FIGURES if not n.startswith(("quality-", "outcomes-")))
"""The figures the reach index answers; the others always come from SQL, up to date."""


async def figure(pool: asyncpg.Pool, name: str, ask: Ask) -> Table:
    """The table, saying when its data is from: the request's view, or now (SQL)."""
    fresh = ask.view if name in FROM_INDEX else View.sql().lacking(ask.view.waiting, ask.view.as_of)
    table = await FIGURES[name](pool, ask)
    extra = {**table.extra, "as_at": ask.view.as_at.isoformat()} if ask.view.as_at else table.extra
    return replace(table, as_of=fresh.as_of, up_to_date=fresh.up_to_date, waiting_uploads=fresh.waiting.uploads,
                   waiting_events=fresh.waiting.events, extra=extra)
