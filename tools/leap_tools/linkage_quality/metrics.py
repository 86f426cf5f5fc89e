"""How a partition of service records compares with the true persons."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from leap_tools.linkage_quality.records import ServiceRecord


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


@dataclass(frozen=True)
class Quality:
    individuals: int
    """Individuals with at least one attended contact: the unique-beneficiary count."""
    persons: int
    """True persons with at least one attended contact."""
    count_error: float
    """(individuals - persons) / persons."""
    precision: float
    """Of the pairs of service records linked, the share that are one person."""
    recall: float
    """Of the pairs of service records of one person, the share linked."""
    false_merges: int
    """Individuals holding records of two or more different people."""
    merges_per_1000: float
    false_splits: int
    """Persons spread over two or more individuals."""
    extra_individuals: int
    """Sum over persons of (individuals they are spread over - 1)."""


def quality(records: Sequence[ServiceRecord], label_of: Mapping[str, str]) -> Quality:
    people_of: dict[str, set[int]] = defaultdict(set)
    labels_of: dict[int, set[str]] = defaultdict(set)
    cells: Counter[tuple[str, int]] = Counter()
    reached_labels, reached_persons = set(), set()
    for record in records:
        label = label_of[record.id]
        people_of[label].add(record.person)
        labels_of[record.person].add(label)
        cells[(label, record.person)] += 1
        if record.attended:
            reached_labels.add(label)
            reached_persons.add(record.person)
    sizes = Counter(label_of[r.id] for r in records)
    person_sizes = Counter(r.person for r in records)
    true_positive = sum(_pairs(n) for n in cells.values())
    linked = sum(_pairs(n) for n in sizes.values())
    same = sum(_pairs(n) for n in person_sizes.values())
    merged = sum(1 for label in reached_labels if len(people_of[label]) > 1)
    split = [len(labels) for labels in labels_of.values() if len(labels) > 1]
    individuals, persons = len(reached_labels), len(reached_persons)
    return Quality(
        individuals=individuals, persons=persons,
        count_error=(individuals - persons) / persons if persons else 0.0,
        precision=true_positive / linked if linked else 1.0,
        recall=true_positive / same if same else 1.0,
        false_merges=merged, merges_per_1000=1000 * merged / individuals if individuals else 0.0,
        false_splits=len(split), extra_individuals=sum(n - 1 for n in split),
    )
