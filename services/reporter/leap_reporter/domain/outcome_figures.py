"""Outcome figures (pure): each measure's numerator and denominator by services engaged (0, 1, 2, 3+), strand,
service, ward and year, with the rate, its 95% Wilson interval and the difference from the non-engaged group,
all through the disclosure step (docs/outcomes-dataset.md).

Rates, intervals and differences (docs/outcomes-dataset.md, "Rates from exact counts"): with suppression off
(admins) exact. With it on, a rate is shown only when its numerator and denominator both are; it, its interval and
its difference come from the **exact** counts when the exact denominator is at least ``EXACT_RATE_FROM`` times the
rounding base (5,000): shown to 0.1 point, such a rate is the same for at least ``base`` consecutive numerators,
so it tells no more than the rounded count does. Below that, one numerator more or less moves the shown rate,
and an exact rate would give the exact count back (and with it, differencing): those come from the *published*
counts, which reveal nothing the counts do not.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from leap_reporter.domain.disclosure import SUPPRESSED, Disclosure, Published

Counts = Counter[tuple[str, str, str, str, str]]
"""(measure, dimension, key, group, 'num' or 'den') -> records."""

GROUPS = ("0", "1", "2", "3+")
ENGAGED, NOT_ENGAGED = "engaged", "not engaged"
Z95 = 1.959963984540054
EXACT_RATE_FROM = 1000
"""Rates shown to 0.1 point (1/1000): exact when the denominator is at least this many times the rounding base."""


@dataclass(frozen=True)
class Tallied:
    """One group of records: (measure, positive, services engaged, ward, year) and how many."""

    measure: str
    positive: bool
    services: tuple[str, ...]
    ward: str | None
    year: int
    records: int


def group_of(services: int) -> str:
    return GROUPS[min(services, 3)]


def wilson(x: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of x successes in n trials (n > 0)."""
    p = x / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def cells(rows: Iterable[Tallied], strand_of: Mapping[str, str]) -> Counts:
    """(measure, dimension, key, group, 'num'|'den') -> records."""
    out: Counts = Counter()
    for r in rows:
        engaged = ENGAGED if r.services else NOT_ENGAGED
        keys = [("services engaged", group_of(len(r.services)), "")]
        keys += [("strand", s, ENGAGED) for s in sorted({strand_of.get(c, "") for c in r.services})]
        keys += [("service", c, ENGAGED) for c in r.services]
        keys.append(("year", str(r.year), engaged))
        if r.ward:
            keys.append(("ward", r.ward, engaged))
        for key in keys:
            out[(r.measure, *key, "den")] += r.records
            out[(r.measure, *key, "num")] += r.records * r.positive
    return out


@dataclass(frozen=True)
class Row:
    measure: str
    key: str
    group: str
    numerator: Published
    denominator: Published
    rate: float | None
    low: float | None
    high: float | None
    difference: float | None

    def values(self) -> tuple[object, ...]:
        def pct(v: float | None) -> float | None:
            return None if v is None else round(100 * v, 1)

        return (self.measure, self.key, self.group, self.numerator, self.denominator, pct(self.rate),
                pct(self.low), pct(self.high), pct(self.difference))


COLUMNS = ("Measure", "Slice", "Group", "Numerator", "Denominator", "Rate %", "95% CI low %", "95% CI high %",
           "Difference from not engaged (points)")


def _published(nums: Mapping[Any, int], dens: Mapping[Any, int], disclosure: Disclosure,
               partition: bool) -> dict[Any, Cell]:
    """key -> (numerator, denominator) as published. In a partition (cells that sum to a total) both counts
    get the breakdown's secondary suppression; a numerator whose complement (denominator - numerator) is a
    small number is suppressed too, so that it cannot be recovered from the denominator."""
    if partition:
        shown_den, shown_num = disclosure.breakdown(dens), disclosure.breakdown(nums)
    else:
        shown_den = {k: disclosure.count(n) for k, n in dens.items()}
        shown_num = {k: disclosure.count(n) for k, n in nums.items()}
    out = {}
    for k, den in dens.items():
        num = shown_num[k]
        if disclosure.enabled and 0 < den - nums[k] <= disclosure.threshold:
            num = SUPPRESSED
        exact = not disclosure.enabled or den >= EXACT_RATE_FROM * disclosure.base
        out[k] = Cell(num, shown_den[k], nums[k] if exact else None, den if exact else None)
    return out


@dataclass(frozen=True)
class Cell:
    """A numerator and denominator as published, and the exact ones when its rate may come from them."""

    numerator: Published
    denominator: Published
    exact_numerator: int | None = None
    exact_denominator: int | None = None


def _rate(cell: Cell) -> tuple[float | None, float | None, float | None]:
    if SUPPRESSED in (cell.numerator, cell.denominator) or not cell.denominator:
        return None, None, None
    if cell.exact_denominator:
        x, n = cell.exact_numerator or 0, cell.exact_denominator
    else:
        x, n = min(int(cell.numerator), int(cell.denominator)), int(cell.denominator)
    return (x / n, *wilson(x, n))


def _rows(measure: str, published: Mapping[Any, Cell], reference: float | None, keys: Sequence[Any],
          group_of_key: Callable[[Any], tuple[str, str]]) -> list[Row]:
    rows = []
    for k in keys:
        cell = published[k]
        num, den = cell.numerator, cell.denominator
        rate, low, high = _rate(cell)
        diff = None if rate is None or reference is None else rate - reference
        key, group = group_of_key(k)
        rows.append(Row(measure, key, group, num, den, rate, low, high, diff))
    return rows


def by_services(counts: Counts, measures: Sequence[str], disclosure: Disclosure) -> list[Row]:
    rows = []
    for m in measures:
        dens = {g: counts[(m, "services engaged", g, "", "den")] for g in GROUPS}
        nums = {g: counts[(m, "services engaged", g, "", "num")] for g in GROUPS}
        published = _published(nums, dens, disclosure, partition=True)
        reference = _rate(published["0"])[0]
        rows += _rows(m, published, reference, GROUPS, lambda g: ("services engaged", g))
    return rows


def by_dimension(counts: Counts, measures: Sequence[str], dimension: str, keys: Sequence[str],
                 disclosure: Disclosure) -> list[Row]:
    """Strand and service: the records of children engaged in each, against all non-engaged records (group 0).
    Ward and year: engaged and not engaged records in each (each a partition of the records)."""
    rows = []
    own_reference = dimension in ("ward", "year")
    for m in measures:
        zero = _published({"0": counts[(m, "services engaged", "0", "", "num")]},
                          {"0": counts[(m, "services engaged", "0", "", "den")]}, disclosure, partition=False)
        overall = _rate(zero["0"])[0]
        pairs = [(k, g) for k in keys for g in ((ENGAGED, NOT_ENGAGED) if own_reference else (ENGAGED,))]
        dens = {p: counts[(m, dimension, *p, "den")] for p in pairs}
        nums = {p: counts[(m, dimension, *p, "num")] for p in pairs}
        if own_reference:
            published: dict[Any, Cell] = {}
            for g in (ENGAGED, NOT_ENGAGED):
                part = [p for p in pairs if p[1] == g]
                published |= _published({p: nums[p] for p in part}, {p: dens[p] for p in part}, disclosure, True)
        else:
            published = _published(nums, dens, disclosure, partition=False)
        for k in keys:
            reference = _rate(published[(k, NOT_ENGAGED)])[0] if own_reference else overall
            shown = [p for p in pairs if p[0] == k]
            rows += _rows(m, published, reference, shown, lambda p: (p[0], p[1]))
        if not own_reference:
            rows += _rows(m, zero, overall, ["0"], lambda _: ("all", NOT_ENGAGED))
    return rows
