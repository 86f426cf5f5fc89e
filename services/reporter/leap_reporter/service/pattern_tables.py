"""Engagement-pattern tables (disclosed): services and contacts per individual, overlap, once only, families."""

from __future__ import annotations

import asyncpg

from leap_reporter.adapters import patterns
from leap_reporter.adapters.reach_index import View
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.domain.reach import catalogue_order
from leap_reporter.domain.tables import Table

SERVICE_BINS = ((1, 1, "1"), (2, 2, "2"), (3, 3, "3"), (4, 4, "4"), (5, None, "5 or more"))
CONTACT_BINS = ((1, 1, "1"), (2, 2, "2"), (3, 5, "3-5"), (6, 10, "6-10"), (11, 20, "11-20"), (21, None, "21 or more"))
_UNDER = {"exact": "", "tolerant": "Persons under tolerant linkage (the published policy)."}


async def _counted(pool: asyncpg.Pool, filters: ReachFilters, view: View | None, name: str, sql, *extra,
                   linkage: str = "exact"):
    """From the request's view of the reach index when it has one, else from SQL: the same exact counts. The
    index holds exact individuals: under tolerant linkage SQL answers."""
    found = await view.pattern(filters, name) if view is not None and linkage == "exact" else None
    if found is not None:
        return found
    return await (sql(pool, filters, *extra, linkage) if linkage != "exact" else sql(pool, filters, *extra))


def binned(counts: dict[int, int], bins) -> dict[str, int]:
    return {label: sum(n for k, n in counts.items() if k >= lo and (hi is None or k <= hi)) for lo, hi, label in bins}


async def distribution_table(pool: asyncpg.Pool, filters: ReachFilters, column: str, d: Disclosure,
                             view: View | None = None, linkage: str = "exact") -> Table:
    bins = SERVICE_BINS if column == "services" else CONTACT_BINS
    counts = await _counted(pool, filters, view, f"{column}_per_person", patterns.distribution, column,
                            linkage=linkage)
    cells = binned(counts, bins)
    total = sum(cells.values())
    shown = d.breakdown(cells, total)
    rows = [(label, label, shown[label]) for _, _, label in bins] + [("total", "Total", d.count(total))]
    what = "Services used" if column == "services" else "Attended contacts"
    return Table(f"{column}-per-individual", f"{what} per individual",
                 ("key", what, "Individuals"), tuple(rows), suppressed=d.enabled, note=_UNDER[linkage])


async def overlap_table(pool: asyncpg.Pool, filters: ReachFilters, d: Disclosure,
                        view: View | None = None, linkage: str = "exact") -> Table:
    cells = await _counted(pool, filters, view, "overlap", patterns.overlap, linkage=linkage)
    shown = d.matrix(cells)
    codes = sorted({a for a, _ in cells}, key=catalogue_order)

    def cell(a: str, b: str):
        return shown.get((min(a, b), max(a, b)), 0)

    rows = tuple((a, a, *(cell(a, b) for b in codes)) for a in codes)
    return Table("overlap", "Individuals reached by both services (the diagonal: by the service)",
                 ("key", "Service", *codes), rows, suppressed=d.enabled, note=_UNDER[linkage])


async def once_only_table(pool: asyncpg.Pool, filters: ReachFilters, d: Disclosure,
                          view: View | None = None, linkage: str = "exact") -> Table:
    reached, once, by_service = await _counted(pool, filters, view, "once_only", patterns.once_only,
                                               linkage=linkage)
    shown = d.breakdown(by_service, once)
    rows = [(code, f"Reached once only by {code}", shown[code]) for code in sorted(by_service, key=catalogue_order)]
    rows = [("reached", "Individuals reached", d.count(reached)),
            ("once", "Reached once and never again", d.count(once)), *rows]
    return Table("once-only", "Reached once and never again (exactly one attended contact)",
                 ("key", "Measure", "Individuals"), tuple(rows), suppressed=d.enabled, note=_UNDER[linkage])


async def families_table(pool: asyncpg.Pool, filters: ReachFilters, d: Disclosure,
                         view: View | None = None) -> Table:
    found = await _counted(pool, filters, view, "families", patterns.families)
    labels = {"families_reached": "Families reached (carer or a child in scope)",
              "carer_and_child_reached": "Families with the carer and a child both reached",
              "children_reached_with_a_carer": "Children reached who have a known primary carer"}
    rows = tuple((k, labels[k], d.count(found.get(k, 0))) for k in labels)
    return Table("families", "Families (a primary carer and their children)", ("key", "Measure", "Count"), rows,
                 suppressed=d.enabled, note="Built from RelationshipLinkedV1 and RelationshipEndedV1 events; counts are independent figures.")
