"""Engagement-pattern tables (disclosed): services and contacts per individual, overlap, once only, families."""

from __future__ import annotations

from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.domain.reach import catalogue_order
from leap_reporter.domain.tables import Table
from leap_reporter.service.reach_source import ReachSource

SERVICE_BINS = ((1, 1, "1"), (2, 2, "2"), (3, 3, "3"), (4, 4, "4"), (5, None, "5 or more"))
CONTACT_BINS = ((1, 1, "1"), (2, 2, "2"), (3, 5, "3-5"), (6, 10, "6-10"), (11, 20, "11-20"), (21, None, "21 or more"))
_UNDER = {"exact": "", "tolerant": "Persons under tolerant linkage (the published policy)."}


def binned(counts: dict[int, int], bins) -> dict[str, int]:
    return {label: sum(n for k, n in counts.items() if k >= lo and (hi is None or k <= hi)) for lo, hi, label in bins}


async def distribution_table(source: ReachSource, filters: ReachFilters, column: str, d: Disclosure) -> Table:
    bins = SERVICE_BINS if column == "services" else CONTACT_BINS
    counts = await source.distribution(filters, column)
    cells = binned(counts, bins)
    total = sum(cells.values())
    shown = d.breakdown(cells, total)
    rows = [(label, label, shown[label]) for _, _, label in bins] + [("total", "Total", d.count(total))]
    what = "Services used" if column == "services" else "Attended contacts"
    return Table(f"{column}-per-individual", f"{what} per individual",
                 ("key", what, "Individuals"), tuple(rows), suppressed=d.enabled, note=_UNDER[source.linkage])


async def overlap_table(source: ReachSource, filters: ReachFilters, d: Disclosure) -> Table:
    cells = await source.overlap(filters)
    shown = d.matrix(cells)
    codes = sorted({a for a, _ in cells}, key=catalogue_order)

    def cell(a: str, b: str):
        return shown.get((min(a, b), max(a, b)), 0)

    rows = tuple((a, a, *(cell(a, b) for b in codes)) for a in codes)
    return Table("overlap", "Individuals reached by both services (the diagonal: by the service)",
                 ("key", "Service", *codes), rows, suppressed=d.enabled, note=_UNDER[source.linkage])


async def once_only_table(source: ReachSource, filters: ReachFilters, d: Disclosure) -> Table:
    reached, once, by_service = await source.once_only(filters)
    shown = d.breakdown(by_service, once)
    rows = [(code, f"Reached once only by {code}", shown[code]) for code in sorted(by_service, key=catalogue_order)]
    rows = [("reached", "Individuals reached", d.count(reached)),
            ("once", "Reached once and never again", d.count(once)), *rows]
    return Table("once-only", "Reached once and never again (exactly one attended contact)",
                 ("key", "Measure", "Individuals"), tuple(rows), suppressed=d.enabled, note=_UNDER[source.linkage])


async def families_table(source: ReachSource, filters: ReachFilters, d: Disclosure) -> Table:
    """Families relate exact individuals whatever the linkage policy: ``source`` counts under exact linkage."""
    found = await source.families(filters)
    labels = {"families_reached": "Families reached (carer or a child in scope)",
              "carer_and_child_reached": "Families with the carer and a child both reached",
              "children_reached_with_a_carer": "Children reached who have a known primary carer"}
    rows = tuple((k, labels[k], d.count(found.get(k, 0))) for k in labels)
    return Table("families", "Families (a primary carer and their children)", ("key", "Measure", "Count"), rows,
                 suppressed=d.enabled,
                 note="Built from RelationshipLinkedV1 and RelationshipEndedV1 events; counts are independent figures.")
