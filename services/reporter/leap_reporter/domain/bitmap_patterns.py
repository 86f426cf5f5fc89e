"""Engagement patterns on the reach index (no I/O), counted exactly as :mod:`leap_reporter.adapters.patterns`
counts them in SQL (the integration tests compare both): services and contacts per individual, overlap,
once only, families.

Distinct people per service come from the bitmaps; anything that needs the number of contacts (not
only who was reached) from the index's columns of attended engagements (``ContactRows``).
"""

from __future__ import annotations

import numpy as np

from pyroaring import BitMap

from leap_reporter.domain.bitmap_index import BitmapIndex
from leap_reporter.domain.contact_rows import ContactRows, FamilyLinks, to_ids
from leap_reporter.domain.filters import ReachFilters


def _columns(index: BitmapIndex) -> ContactRows:
    if index.rows is None:
        raise ValueError("an index built without its engagement columns answers no pattern figure")
    return index.rows


def _links(index: BitmapIndex) -> FamilyLinks:
    if index.links is None:
        raise ValueError("an index built without its family links answers no families figure")
    return index.links


def _per_service(index: BitmapIndex, filters: ReachFilters) -> dict[str, BitMap]:
    return index.people_by_service(filters, filters.date_from, filters.date_to)


def _rows(index: BitmapIndex, filters: ReachFilters) -> np.ndarray:
    wards = index.ward_codes(filters.ward) if filters.ward is not None else None
    return _columns(index).keep(filters.service_codes, wards, filters.date_from, filters.date_to,
                           index.people_mask(filters), index.people)


def _histogram(per_person: np.ndarray) -> dict[int, int]:
    counts = np.bincount(per_person)
    return {n: int(c) for n, c in enumerate(counts.tolist()) if n and c}


def services_per_person(index: BitmapIndex, filters: ReachFilters) -> dict[int, int]:
    """How many individuals used each number of services."""
    if filters.service_codes == ():
        return {}
    used = np.zeros(index.people + 1, dtype=np.int16)
    for people in _per_service(index, filters).values():
        used[to_ids(people)] += 1
    return _histogram(used)


def contacts_per_person(index: BitmapIndex, filters: ReachFilters) -> dict[int, int]:
    """How many individuals had each number of attended contacts."""
    if filters.service_codes == ():
        return {}
    rows = _columns(index)
    return _histogram(np.bincount(rows.person[_rows(index, filters)], minlength=index.people + 1))


def overlap(index: BitmapIndex, filters: ReachFilters) -> dict[tuple[str, str], int]:
    """Individuals reached by both services, for every pair (a <= b; a == b is the service's reach)."""
    if filters.service_codes == ():
        return {}
    per_service = _per_service(index, filters)
    codes = sorted(per_service)
    cells = {}
    for i, a in enumerate(codes):
        cells[(a, a)] = len(per_service[a])
        for b in codes[i + 1:]:
            n = per_service[a].intersection_cardinality(per_service[b])
            if n:
                cells[(a, b)] = n
    return cells


def once_only(index: BitmapIndex, filters: ReachFilters) -> tuple[int, int, dict[str, int]]:
    """(individuals reached, reached exactly once and never again, those per service)."""
    if filters.service_codes == ():
        return 0, 0, {}
    rows, keep = _columns(index), _rows(index, filters)
    people, services = rows.person[keep], rows.service[keep]
    contacts = np.bincount(people, minlength=index.people + 1)
    once = contacts == 1
    by_service = np.bincount(services[once[people]], minlength=len(rows.services))
    return (int(np.count_nonzero(contacts)), int(np.count_nonzero(once)),
            {rows.services[i]: int(n) for i, n in enumerate(by_service.tolist()) if n})


def families(index: BitmapIndex, filters: ReachFilters) -> dict[str, int]:
    """Families (a primary carer and their children) reached when the carer or a child is in scope."""
    if filters.service_codes == ():
        return {}
    links = _links(index)
    reached = np.zeros(index.people + 1, dtype=bool)
    for people in _per_service(index, filters).values():
        reached[to_ids(people)] = True
    reached[0] = False  # id 0: a reference with no attended engagement
    carer, child = reached[links.carer], reached[links.child]
    families = int(links.carer_key.max(initial=0)) + 1
    return {"families_reached": _distinct(links.carer_key[carer | child], families),
            "carer_and_child_reached": _distinct(links.carer_key[carer & child], families),
            "children_reached_with_a_carer": _distinct(links.child[child], index.people + 1)}


def _distinct(ids: np.ndarray, size: int) -> int:
    """How many distinct small non-negative ids (a scatter, ~50x faster than np.unique's sort)."""
    seen = np.zeros(size, dtype=bool)
    seen[ids] = True
    return int(np.count_nonzero(seen))
