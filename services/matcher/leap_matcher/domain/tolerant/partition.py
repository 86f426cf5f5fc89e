"""The tolerant partition of a set of records.

1. Exact individuals: records sharing an exact token (union-find).
2. Candidates: pairs of individuals sharing a match key held by at most
   ``max_block`` individuals.
3. Each candidate pair is scored (`scoring.py`); pairs from ``link_at`` are
   joined in order of score (then labels), each join refused when the two
   groups would hold two NHS numbers, one service twice, or a child and an adult;
   pairs in [review_from, link_at) go to review.

Every step depends on the set of records only, never on their order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from leap_matcher.domain.tolerant.model import FuzzyLink, Partition, TolerantRecord, TolerantSettings
from leap_matcher.domain.tolerant.scoring import Individual, score


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        root = parent.setdefault(x, x)
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: str, b: str) -> str:
        """Join; the smaller label is the root (so labels are the smallest record id)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        low, high = (ra, rb) if ra < rb else (rb, ra)
        self.parent[high] = low
        return low


def exact_individuals(records: Iterable[TolerantRecord]) -> tuple[dict[str, Individual], dict[str, str]]:
    """(label -> the individual's pooled evidence, record id -> label); a label is the smallest record id."""
    records = sorted(records, key=lambda r: r.id)
    uf, first_holder = _UnionFind(), {}
    for record in records:
        uf.find(record.id)
        for token in record.tokens:
            holder = first_holder.setdefault(token, record.id)
            if holder != record.id:
                uf.union(holder, record.id)
    individuals: dict[str, Individual] = {}
    label_of = {}
    for record in records:
        label = label_of[record.id] = uf.find(record.id)
        ind = individuals.get(label)
        if ind is None:
            ind = individuals[label] = Individual(label)
        for name, token in record.match_keys.items():
            ind.keys.setdefault(name, set()).add(token)
        ind.nhs |= record.nhs
        ind.carers |= record.carers
        if record.service:
            ind.services.add(record.service)
        ind.types.add(record.beneficiary_type)
        if record.gender:
            ind.genders.add(record.gender)
        if record.ward:
            ind.wards.add(record.ward)
    return individuals, label_of


def partition(records: Iterable[TolerantRecord], settings: TolerantSettings | None = None) -> Partition:
    settings = settings or TolerantSettings()
    records = list(records)
    individuals, label_of = exact_individuals(records)
    holders: dict[str, set[str]] = defaultdict(set)
    for ind in individuals.values():
        for tokens in ind.keys.values():
            for token in tokens:
                holders[token].add(ind.label)
    counts = {t: len(labels) for t, labels in holders.items()}
    candidates = set()
    for labels in holders.values():
        if 2 <= len(labels) <= settings.max_block:
            ordered = sorted(labels)
            candidates.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:])
    scored = []
    for a, b in candidates:
        value, pattern = score(individuals[a], individuals[b], counts, settings)
        scored.append(FuzzyLink(a, b, value, pattern))
    scored.sort(key=lambda link: (-link.score, link.a, link.b))
    groups = _UnionFind()
    pooled = {label: (set(ind.nhs), set(ind.services), set(ind.types)) for label, ind in individuals.items()}
    links, review, refused = [], [], []
    for link in scored:
        if link.score < settings.review_from:
            break
        ra, rb = groups.find(link.a), groups.find(link.b)
        if ra == rb:
            continue
        if link.score < settings.link_at:
            review.append(link)
            continue
        if _clash(pooled[ra], pooled[rb]):
            refused.append(link)
            continue
        root = groups.union(ra, rb)
        other = rb if root == ra else ra
        nhs, services, types = pooled[root]
        nhs |= pooled[other][0]
        services |= pooled[other][1]
        types |= pooled[other][2]
        links.append(link)
    review = [link for link in review if groups.find(link.a) != groups.find(link.b)]
    cluster_of = {record.id: groups.find(label_of[record.id]) for record in records}
    return Partition(cluster_of, links, review, refused)


def _clash(a: tuple[set, set, set], b: tuple[set, set, set]) -> bool:
    """Two NHS numbers, one service twice, or a child and an adult, once joined."""
    return bool(a[0] and b[0] and not a[0] & b[0]) or bool(a[1] & b[1]) or a[2] != b[2]
