"""Pure recomputation of individuals from their remaining records (after a withdrawal or a quarantine).

Rule for references: the part holding the OLDEST record keeps the individual's reference; every
other part becomes a new individual. "Oldest" is decided by the records alone, never by arrival
order: earliest engagement date, then smallest upload id, then smallest row number. Each part's
attributes are worked out again from its records (``enrichment.combine``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from leap_matcher.domain.enrichment import Attributes, combine
from leap_matcher.domain.resolution import Token, UnionFind

Link = tuple[int, int, list[str]]
"""A relationship (child, carer, the types of carer identifier it goes by)."""


@dataclass(frozen=True)
class StoredRecord:
    upload_id: uuid.UUID
    row_number: int
    engagement_date: date
    tokens: tuple[Token, ...]
    statement: Attributes = field(default_factory=dict, compare=False)
    """The attributes the record states (``enrichment.candidate``)."""

    @property
    def age_key(self) -> tuple[Any, ...]:
        return (self.engagement_date, str(self.upload_id), self.row_number)


def split_parts(records: Sequence[StoredRecord], not_linking: Collection[Token]) -> list[list[StoredRecord]]:
    """Connected components of ``records`` over their linking tokens; the part holding the oldest
    record first (it keeps the reference), the others ordered by their own oldest record."""
    uf = UnionFind()
    for index, record in enumerate(records):
        uf.find(index)
        for token in record.tokens:
            if token not in not_linking:
                uf.union(index, ("token", token))
    parts: dict[object, list[StoredRecord]] = {}
    for index, record in enumerate(records):
        parts.setdefault(uf.find(index), []).append(record)
    ordered = [sorted(p, key=lambda r: r.age_key) for p in parts.values()]
    return sorted(ordered, key=lambda p: p[0].age_key)


@dataclass(frozen=True, slots=True)
class Regrouped:
    """One individual's remaining records in parts (:func:`split_parts`); no part: no record is left."""
    individual_id: int
    parts: list[list[StoredRecord]]


def regroup(records_of: Mapping[int, Sequence[StoredRecord]], not_linking: Collection[Token]) -> list[Regrouped]:
    return [Regrouped(individual, split_parts(own, not_linking) if own else [])
            for individual, own in records_of.items()]


def new_parts(regrouped: Sequence[Regrouped]) -> int:
    """How many new individuals the parts need: all but the first part of each."""
    return sum(len(r.parts) - 1 for r in regrouped if r.parts)


@dataclass
class Split:
    kept: int
    parts: list[tuple[int, list[tuple[uuid.UUID, int]]]]
    """(new individual id, records it took)."""


@dataclass
class Outcome:
    splits: list[Split] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    attributes: dict[int, Attributes] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    """Relationships that now hold and did not (child, carer, via): a part split off keeps its carer."""
    unlinks: list[tuple[int, int]] = field(default_factory=list)
    """Relationships (child, carer) that no longer hold."""


@dataclass
class Moves:
    """What the parts split off take to their new individuals."""
    records: dict[tuple[uuid.UUID, int], int] = field(default_factory=dict)
    """(upload, row) -> new individual."""
    tokens: dict[Token, int] = field(default_factory=dict)
    """Linking token -> new individual."""


def assign(regrouped: Sequence[Regrouped], new_ids: Iterator[int], not_linking: Collection[Token]
           ) -> tuple[Outcome, Moves]:
    """Each part to its individual (the first keeps the reference, the others take ``new_ids`` in order) with
    its attributes again; individuals without a part are removed. Relationships are left to the caller."""
    outcome, moves = Outcome(), Moves()
    for r in regrouped:
        if not r.parts:
            outcome.removed.append(r.individual_id)
            continue
        owners = [r.individual_id, *(next(new_ids) for _ in r.parts[1:])]
        for owner, part in zip(owners, r.parts):
            outcome.attributes[owner] = combine(p.statement for p in part)
            if owner != r.individual_id:
                moves.records.update({(p.upload_id, p.row_number): owner for p in part})
                moves.tokens.update({t: owner for p in part for t in p.tokens if t not in not_linking})
        if len(r.parts) > 1:
            outcome.splits.append(Split(r.individual_id, [
                (owner, [(p.upload_id, p.row_number) for p in part]) for owner, part in zip(owners[1:], r.parts[1:])]))
    return outcome, moves
