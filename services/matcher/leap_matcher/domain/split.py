"""Pure recomputation of one individual from its remaining records (after a withdrawal or a quarantine).

Rule for references: the part holding the OLDEST record keeps the individual's reference; every
other part becomes a new individual. "Oldest" is decided by the records alone, never by arrival
order: earliest engagement date, then smallest upload id, then smallest row number.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from leap_matcher.domain.resolution import Token, UnionFind


@dataclass(frozen=True)
class StoredRecord:
    upload_id: uuid.UUID
    row_number: int
    engagement_date: date
    tokens: tuple[Token, ...]

    @property
    def age_key(self) -> tuple:
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
