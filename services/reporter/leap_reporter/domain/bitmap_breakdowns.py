"""Reach breakdowns and new people per period on the bitmap index (no I/O), counted exactly as
:mod:`leap_reporter.adapters.breakdowns` counts them in SQL (the integration tests compare both)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from pyroaring import BitMap

from leap_reporter.domain.bitmap_index import PERSON_ATTRIBUTES, BitmapIndex
from leap_reporter.domain.filters import ReachFilters


def _union(maps: Iterable[BitMap]) -> BitMap:
    found = list(maps)
    return BitMap.union(*found) if found else BitMap()


def breakdown(index: BitmapIndex, filters: ReachFilters, by: str, strand_of: dict[str, str]) -> tuple[int, dict[str, int]]:
    """(unique people, unique people per category of ``by``); empty categories left out."""
    start, end = filters.date_from, filters.date_to
    per_service = index.people_by_service(filters, start, end)
    everyone = _union(per_service.values())
    cells: dict[str, int] = {}
    if by == "service":
        cells = {s: len(p) for s, p in per_service.items()}
    elif by == "strand":
        groups: dict[str, list[BitMap]] = defaultdict(list)
        for service, people in per_service.items():
            groups[strand_of.get(service, "unknown")].append(people)
        cells = {strand: len(_union(maps)) for strand, maps in groups.items()}
    elif by in PERSON_ATTRIBUTES:
        cells = {value: everyone.intersection_cardinality(people)
                 for (name, value), people in index.attributes.items() if name == by}
    elif by == "ward":
        for ward in dict.fromkeys(index.ward_codes(filters.ward)):
            cells[ward or "unknown"] = len(_union(index.people_by_service(filters, start, end, [ward]).values()))
    else:
        for first, last in periods(index, by):
            lo, hi = max(first, start) if start else first, min(last, end) if end else last
            if lo <= hi:
                cells[first.isoformat()] = len(_union(index.people_by_service(filters, lo, hi).values()))
    return len(everyone), {k: n for k, n in cells.items() if n}


def new_by_period(index: BitmapIndex, filters: ReachFilters, by: str) -> dict[str, int]:
    """People whose first attended contact within the filters falls in each period."""
    start, end = filters.date_from, filters.date_to
    seen, new = BitMap(), {}
    for first, last in periods(index, by):
        lo, hi = max(first, start) if start else first, min(last, end) if end else last
        if lo > hi:
            continue
        fresh = _union(index.people_by_service(filters, lo, hi).values()) - seen
        if fresh:
            new[first.isoformat()] = len(fresh)
            seen |= fresh
    return new


def periods(index: BitmapIndex, by: str) -> list[tuple[date, date]]:
    """Calendar months, quarters or years from the first to the last month with contacts."""
    months = sorted({m for by_ward in index.months.values() for cells in by_ward.values() for m in cells})
    if not months:
        return []
    size = {"month": 1, "quarter": 3, "year": 12}[by]
    current = date(months[0].year, 1 if by == "year" else (months[0].month - 1) // size * size + 1, 1)
    found = []
    while current <= months[-1]:
        following = current
        for _ in range(size):
            following = (following.replace(day=28) + timedelta(days=4)).replace(day=1)
        found.append((current, following - timedelta(days=1)))
        current = following
    return found
