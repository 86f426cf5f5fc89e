"""Which individual an outcome record belongs to (pure): never creates, merges or changes an individual.

Only the NHS number and the child key link an outcome record (docs/outcomes-dataset.md). A record whose
tokens belong to exactly one individual is linked to it; to none, unlinked; to several, it is not linked
and is a finding (it would bridge them); without a usable NHS number or child key, it is unlinkable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from leap_matcher.domain.chunk_records import PseudonymisedRecord

LINKING_TYPES = ("nhs_number", "child_key")
BRIDGES = "outcome_bridges_individuals"
UNLINKABLE = "outcome_unlinkable"


@dataclass(frozen=True, slots=True)
class Link:
    individual_id: int | None
    finding: str | None = None
    owners: tuple[int, ...] = ()
    """Every individual owning one of the record's tokens (several: it bridges them), in id order."""

    @property
    def bridges(self) -> bool:
        return self.finding == BRIDGES


def link(tokens: Iterable[bytes], owner: Mapping[bytes, int]) -> Link:
    """``tokens``: the record's linking tokens; ``owner``: token -> individual, for the tokens known (and not
    quarantined)."""
    seen = list(tokens)
    if not seen:
        return Link(None, UNLINKABLE)
    found = tuple(sorted({owner[t] for t in seen if t in owner}))
    if len(found) > 1:
        return Link(None, BRIDGES, found)
    return Link(found[0] if found else None, None, found)


def linking_tokens(record: PseudonymisedRecord) -> list[bytes]:
    """A pseudonymised record's NHS number and child key tokens (under the current and any previous key)."""
    out = []
    for found in (record.tokens, *(k.tokens for k in record.linking_tokens)):
        for kind in LINKING_TYPES:
            value = getattr(found, kind)
            if value:
                out.append(bytes.fromhex(value))
    return out
