"""One result per child per measure (docs/outcomes-dataset.md, "Which record counts"): the rule the figures and
the generator's truth both follow.

Each measure is one occasion in a child's life (a review at an age, a school year, a birthday), so a child
counts once in a measure's figures however many records of it arrive: the record with the **latest**
``measured_on`` wins. On the same day, a **not positive** result wins over a positive one (a same-day conflict
never adds to a numerator); then a record with a ward over one without, then the greater ward name. Records
still tied after that are alike in every figure (same day, result and ward), so which one stands does not matter.

A child is the linked individual (followed through merges); an unlinked record's child is known only within
its own extract, by its subject reference (the same provider record id).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import date
from typing import TypeAlias, TypeVar

T = TypeVar("T")
Precedence: TypeAlias = tuple[date, bool, bool, str]


def precedence(measured_on: date, positive: bool, ward: str | None) -> Precedence:
    """Of two records of one child and measure, the one with the greater precedence counts."""
    return measured_on, not positive, ward is not None, ward or ""


def one_per_child(records: Iterable[T], child: Callable[[T], Hashable], rank: Callable[[T], Precedence]) -> list[T]:
    """The record that counts for each (child, measure): ``child`` gives the (child, measure) key of a record,
    ``rank`` its ``precedence``. Keeps the first-seen order of the winners' keys."""
    best: dict[Hashable, tuple[Precedence, T]] = {}
    for record in records:
        key, r = child(record), rank(record)
        held = best.get(key)
        if held is None or r > held[0]:
            best[key] = (r, record)
    return [record for _, record in best.values()]
