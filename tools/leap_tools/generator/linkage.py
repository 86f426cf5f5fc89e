"""The standard dataset's identifier rules applied to canonical rows: which
identifiers a row carries, and the individuals (connected components)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from leap_tools.generator import identifiers as ids
from leap_tools.generator.model import Row


def link_keys(row: Row) -> list[tuple]:
    """Identifiers under the rules; junk and placeholder values never link."""
    keys: list[tuple] = [("prid", row.service, row.prid)]
    if ids.links_as_nhs(row.nhs):
        keys.append(("nhs", row.nhs))
    if row.kind == "child":
        carer = row.carer_email
        if (ids.links_as_email(carer) and row.dob is not None and row.gender
                and row.first_name):
            keys.append(("child", carer, row.dob, row.gender, ids.name_key3(row.first_name)))
    else:
        if ids.links_as_email(row.email):
            keys.append(("email", row.email))
        if ids.links_as_mobile(row.mobile):
            keys.append(("mobile", row.mobile))
    return keys


def components(rows: Sequence[Row]) -> list[list[Row]]:
    """Connected components of `rows` (accepted rows) by shared identifiers,
    each in first-seen order; small in-memory union-find (one family)."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[tuple, int] = {}
    for i, row in enumerate(rows):
        for key in link_keys(row):
            j = first_with.setdefault(key, i)
            if j != i:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[Row]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(find(i), []).append(row)
    return list(groups.values())


def accepted(rows: Iterable[Row]) -> list[Row]:
    return [r for r in rows if r.defect is None]
