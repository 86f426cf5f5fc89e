"""Reach tables: unique individuals by one dimension, and new individuals per period (disclosed)."""

from __future__ import annotations

import asyncpg

from leap_contracts.catalogue import SERVICES, STRANDS

from leap_reporter.adapters import breakdowns
from leap_reporter.domain.age import ALL_BANDS
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.domain.reach import catalogue_order
from leap_reporter.domain.tables import Table
from leap_reporter.service.reach_source import ReachSource

TITLES = {
    "service": "Service", "strand": "Strand", "ward": "Ward", "beneficiary_type": "Beneficiary type",
    "age_band": "Age at first contact", "gender": "Gender", "ethnicity": "Ethnicity",
    "month": "Month", "quarter": "Quarter", "year": "Year",
}


_UNDER = {"exact": "", "tolerant": " Persons under tolerant linkage (the published policy)."}


def _order(by: str, key: str) -> tuple:
    if by == "service":
        return catalogue_order(key)
    if by == "strand":
        return (STRANDS.index(key) if key in STRANDS else len(STRANDS), key)
    if by == "age_band":
        return (ALL_BANDS.index(key) if key in ALL_BANDS else len(ALL_BANDS), key)
    return (0, key)


def period_label(by: str, key: str) -> str:
    """``2024-04-01`` -> ``2024-04`` (month), ``2024 Q2`` (quarter), ``2024`` (year)."""
    if by == "month":
        return key[:7]
    if by == "quarter":
        return f"{key[:4]} Q{(int(key[5:7]) - 1) // 3 + 1}"
    return key[:4]


async def _label(pool: asyncpg.Pool, by: str):
    if by == "service":
        return lambda k: f"{k} {SERVICES[k].name}" if k in SERVICES else k
    if by == "ward":
        names = await breakdowns.ward_names(pool)
        return lambda k: names.get(k, k)
    if by in ("month", "quarter", "year"):
        return lambda k: period_label(by, k)
    return lambda k: k


async def reach_table(pool: asyncpg.Pool, source: ReachSource, filters: ReachFilters, by: str,
                      disclosure: Disclosure) -> Table:
    """Counted by ``source``; the ward names from the read model."""
    total, cells = await source.breakdown(filters, by)
    shown = disclosure.breakdown(cells, total)
    label = await _label(pool, by)
    rows = [(key, label(key), shown[key]) for key in sorted(cells, key=lambda k: _order(by, k))]
    rows.append(("total", "Total", disclosure.count(total)))
    return Table(f"reach-by-{by}", f"Unique beneficiaries by {TITLES[by].lower()}",
                 ("key", TITLES[by], "Unique beneficiaries"), tuple(rows), suppressed=disclosure.enabled,
                 note="A person reached in several categories counts once in each and once in the total."
                      + _UNDER[source.linkage])


async def new_table(source: ReachSource, filters: ReachFilters, period: str, disclosure: Disclosure) -> Table:
    """New beneficiaries per period (first attended contact within the filters) and the running total.

    Each cumulative figure is disclosed from its own exact value, so the difference of two
    consecutive (rounded) cumulative figures does not give back a suppressed new count exactly.
    """
    new = await source.new_by_period(filters, period)
    shown = disclosure.breakdown(new, sum(new.values()))
    rows, running = [], 0
    for key in sorted(new):
        running += new[key]
        rows.append((key, period_label(period, key), shown[key], disclosure.count(running)))
    return Table(f"new-by-{period}", f"New beneficiaries per {period}, and cumulative",
                 ("key", TITLES[period], "New beneficiaries", "Cumulative"), tuple(rows),
                 note=_UNDER[source.linkage].strip(), suppressed=disclosure.enabled)
