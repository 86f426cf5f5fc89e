"""The revision report of a published return (issue 17): per figure and cell, the published value, the current
value, and the difference split into what each kind of later change did. No I/O.

The steps (:data:`leap_reporter.domain.as_at.REVISION_STAGES`) are each computed as a whole return and disclosed
exactly as a return is (primary and secondary suppression, rounding), so every number behind the report is
itself a publishable figure. A difference is shown only between two shown numbers: when either side is
suppressed the difference is suppressed too, so no difference gives back a suppressed cell; and as each side is
rounded from its own exact value, a difference of 5 may stand for 3 to 7 people, never exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leap_reporter.domain.as_at import REVISION_STAGES
from leap_reporter.domain.disclosure import SUPPRESSED, Published

STEPS = REVISION_STAGES[1:]
"""The steps a difference is split into: uploads added late, uploads withdrawn or replaced, merges and splits."""


def cells(table: Mapping[str, Any]) -> dict[tuple[str, str], tuple[str, Published]]:
    """A table (as JSON) as {(row key, column): (row label, value)} for its value columns (the third on)."""
    columns = table["columns"]
    found = {}
    for row in table["rows"]:
        for column, value in zip(columns[2:], row[2:], strict=True):
            found[(str(row[0]), column)] = (str(row[1]), value)
    return found


def difference(before: Published, after: Published) -> Published:
    """``after - before`` when both are shown; suppressed when either is."""
    if isinstance(before, int) and isinstance(after, int):
        return after - before
    return SUPPRESSED


def revision_cells(published: Mapping[str, Any], steps: Mapping[str, Mapping[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """Every cell of one figure: published, current, the difference and its split over :data:`STEPS`; and
    whether the published figure was reproduced exactly as at its publication (``steps["published"]``)."""
    shown = cells(published)
    at = {name: cells(table) for name, table in steps.items()}
    reproduced = {k: v for k, (_, v) in shown.items()} == {k: v for k, (_, v) in at["published"].items()}
    keys = list(shown) + [k for name in REVISION_STAGES for k in at[name] if k not in shown]
    rows = []
    for key in dict.fromkeys(keys):
        label = (shown.get(key) or next(at[n][key] for n in REVISION_STAGES if key in at[n]))[0]
        value = {name: at[name].get(key, (label, 0))[1] for name in REVISION_STAGES}
        before = shown.get(key, (label, 0))[1]
        current = value[REVISION_STAGES[-1]]
        row = {"row": key[0], "label": label, "column": key[1], "published": before, "current": current,
               "difference": difference(before, current)}
        previous = value[REVISION_STAGES[0]]
        for step in STEPS:
            row[step] = difference(previous, value[step])
            previous = value[step]
        rows.append(row)
    return rows, reproduced


def changed(rows: list[dict[str, Any]]) -> bool:
    """Whether any shown value of the figure differs from the published one."""
    return any(r["published"] != r["current"] for r in rows)
