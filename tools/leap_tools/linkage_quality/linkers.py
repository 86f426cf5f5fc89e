"""The three linkages the benchmark compares, each: service records -> record id -> individual label."""

from __future__ import annotations

from collections.abc import Sequence

from leap_matcher.domain.tolerant import Partition, TolerantRecord, TolerantSettings, partition
from leap_matcher.domain.tolerant.partition import exact_individuals
from leap_tools.linkage_quality.records import ServiceRecord


def tolerant_records(records: Sequence[ServiceRecord]) -> list[TolerantRecord]:
    """The child key moves from the identity tokens to the evidence."""
    return [TolerantRecord(id=r.id, tokens=frozenset(r.tokens - r.child_keys),
                           match_keys={**{name: frozenset(tokens) for name, tokens in r.match_keys.items()},
                                       **({"child_key": frozenset(r.child_keys)} if r.child_keys else {})},
                           nhs=frozenset(r.nhs), carers=frozenset(r.carers), service=r.service,
                           beneficiary_type=r.beneficiary_type, gender=r.gender, ward=r.ward,
                           ethnicity=r.ethnicity, first_language=r.first_language)
            for r in records]


def exact(records: Sequence[ServiceRecord]) -> dict[str, str]:
    """The standard dataset's rules: records sharing an identifier token (child key included) are one individual."""
    return exact_individuals([TolerantRecord(id=r.id, tokens=frozenset(r.tokens)) for r in records])[1]


def tolerant(records: Sequence[ServiceRecord], settings: TolerantSettings | None = None) -> Partition:
    return partition(tolerant_records(records), settings)


def exact_plus_pairs(records: Sequence[ServiceRecord], pairs: Sequence[tuple[str, str]],
                     hard_only: bool = False) -> dict[str, str]:
    """The exact individuals (with ``hard_only``, without child-key links) joined by extra pairs of record
    ids (e.g. Splink's)."""
    label_of = exact(records) if not hard_only else exact_individuals(
        [TolerantRecord(id=r.id, tokens=frozenset(r.tokens - r.child_keys)) for r in records])[1]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(label_of[a]), find(label_of[b])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {record_id: find(label) for record_id, label in label_of.items()}


def key_ceiling(records: Sequence[ServiceRecord]) -> dict[str, str]:
    """Not a linkage (it reads the truth): the exact individuals of one person joined whenever they share
    any match key or child key. What perfect scoring of these keys could reach; the rest of a count's
    error is records with no shared evidence at all."""
    groups = {record_id: label for record_id, label in
              exact_individuals([TolerantRecord(id=r.id, tokens=frozenset(r.tokens - r.child_keys))
                                 for r in records])[1].items()}
    holders: dict[tuple[str, int], set[str]] = {}
    for r in records:
        for token in (*(t for tokens in r.match_keys.values() for t in tokens), *r.child_keys):
            holders.setdefault((token, r.person), set()).add(groups[r.id])
    pairs = []
    by_label = {}
    for r in records:
        by_label.setdefault(groups[r.id], r.id)
    for labels in holders.values():
        ordered = sorted(labels)
        pairs.extend((by_label[ordered[0]], by_label[other]) for other in ordered[1:])
    return exact_plus_pairs(records, pairs, hard_only=True)
