"""The tolerant partition of a set of records.

1. Exact individuals: records sharing an exact token (union-find). Carer
   contacts written together on one child's record are one carer's: a child's
   carer is compared as that carer (or the adult individual holding a contact),
   and two adult individuals it joins share the ``co_carer`` evidence.
2. Strong keys (the child key): individuals sharing one are joined, best
   scored first, unless the join is a conflict (below). Where a child key's
   holders show look-alike twins (two holders that cannot be one person, or
   two spellings of the first name each in two holders or more, as
   ``mk_full_name_dob``), a group spelt as one twin never joins one spelt only
   as the other, there or later.
3. Candidates: pairs of the groups so far sharing a match key held by at most
   ``max_block`` groups.
4. Each candidate pair is scored (`scoring.py`); pairs from ``link_at`` are
   joined in order of score (then labels), each join refused when the two
   groups would hold two NHS numbers, one service twice, a child and an adult,
   or look-alike twins (step 2);
   pairs in [review_from, link_at) go to review.

Every step depends on the set of records only, never on their order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from leap_matcher.domain.tolerant.model import CO_CARER, FuzzyLink, Partition, TolerantRecord, TolerantSettings
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
    uf = _UnionFind()
    first_holder: dict[str, str] = {}
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
        for name, token in record.key_tokens():
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
        if record.ethnicity and record.ethnicity.strip():
            ind.ethnicities.add(record.ethnicity.strip().casefold())
        if record.first_language and record.first_language.strip():
            ind.languages.add(record.first_language.strip().casefold())
    owner = {token: label_of[record.id] for record in records for token in record.tokens}
    carers = _UnionFind()  # contacts written together on one child's record are one carer's (or one family's)
    for record in records:
        held = sorted({owner.get(token, token) for token in record.carers})
        for other in held[1:]:
            carers.union(held[0], other)
    for ind in individuals.values():  # a carer contact stands for the adult individual holding it, if any
        ind.carers = {carers.find(owner.get(token, token)) for token in ind.carers}
        if "adult" in ind.types and ind.label in carers.parent:  # its contacts written with others' on a child's record
            ind.keys[CO_CARER] = {carers.find(ind.label)}
    return individuals, label_of


def partition(records: Iterable[TolerantRecord], settings: TolerantSettings | None = None,
              decisions: Mapping[tuple[str, str], bool] | None = None) -> Partition:
    """``decisions``: reviewers' answers, (record id, record id) -> True (one person: joined first, unless a
    conflict) or False (two people: their individuals are never joined)."""
    settings = settings or TolerantSettings()
    records = list(records)
    individuals, label_of = exact_individuals(records)
    decided = {(label_of[a], label_of[b]): same for (a, b), same in (decisions or {}).items()
               if a in label_of and b in label_of and label_of[a] != label_of[b]}
    groups = _Groups(individuals, [pair for pair, same in decided.items() if not same])
    links: list[FuzzyLink] = []
    refused: list[FuzzyLink] = []
    for a, b in sorted(pair for pair, same in decided.items() if same):
        link = FuzzyLink(min(a, b), max(a, b), settings.link_at, {"review": "accepted"})
        if not groups.same(a, b):
            (links if groups.join(a, b) else refused).append(link)
    strong_links, strong_refused = groups.join_strong(settings)
    links += strong_links
    refused += strong_refused
    review: list[FuzzyLink] = []
    while _link_round(groups, settings, links, refused, review):
        pass  # joined groups pool their evidence (and no longer count twice in a key's frequency): score again
    cluster_of = {record.id: groups.find(label_of[record.id]) for record in records}
    return Partition(cluster_of, links, review, refused)


def _link_round(groups: _Groups, settings: TolerantSettings, links: list[FuzzyLink], refused: list[FuzzyLink],
                review: list[FuzzyLink]) -> bool:
    """Score every candidate pair of the groups so far and join those from ``link_at`` (best first, conflicts
    refused); ``review`` becomes the grey pairs left apart. Whether any join was made."""
    merged = groups.pooled_individuals()
    holders = _holders(merged.values(), lambda name: name not in settings.strong_keys)
    counts = {t: len(labels) for t, labels in holders.items()}
    candidates: set[tuple[str, str]] = set()
    for labels in holders.values():
        if 2 <= len(labels) <= settings.max_block:
            ordered = sorted(labels)
            candidates.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:])
    scored = []
    for a, b in candidates:
        value, pattern = score(merged[a], merged[b], counts, settings)
        scored.append(FuzzyLink(a, b, value, pattern))
    scored.sort(key=lambda link: (-link.score, link.a, link.b))
    grey, joined, known = [], False, {(link.a, link.b) for link in refused}
    for link in scored:
        if link.score < settings.review_from:
            break
        if groups.same(link.a, link.b) or groups.rejected(link.a, link.b):
            continue
        if link.score < settings.link_at:
            grey.append(link)
        elif groups.join(link.a, link.b):
            links.append(link)
            joined = True
        elif (link.a, link.b) not in known:
            refused.append(link)
    review[:] = [link for link in grey if not groups.same(link.a, link.b) and not groups.rejected(link.a, link.b)]
    return joined


class _Groups:
    """Individuals joined so far, each group's pooled NHS numbers, services and types (for conflicts)."""

    def __init__(self, individuals: dict[str, Individual], rejected: Iterable[tuple[str, str]] = ()) -> None:
        self.individuals = individuals
        self._uf = _UnionFind()
        refuses: dict[str, set[str]] = defaultdict(set)
        for a, b in rejected:
            refuses[a].add(b)
            refuses[b].add(a)
        self._pooled = {label: (set(i.nhs), set(i.services), set(i.types), {label}, refuses[label])
                        for label, i in individuals.items()}
        self._twin_spellings: dict[str, set[str]] = {}
        """Look-alike twins found (a child key -> its twins' first names, as ``mk_full_name_dob`` tokens): a
        group spelt one twin's way never joins one spelt only the other's."""
        self._spellings: dict[str, set[str]] = {label: set(i.keys.get("mk_full_name_dob", ())) for label, i in
                                                individuals.items()}

    def rejected(self, a: str, b: str) -> bool:
        """Whether a reviewer said some member of a's group and some member of b's are two people."""
        pa, pb = self._pooled[self._uf.find(a)], self._pooled[self._uf.find(b)]
        return bool(pa[4] & pb[3] or pb[4] & pa[3])

    def find(self, label: str) -> str:
        return self._uf.find(label)

    def same(self, a: str, b: str) -> bool:
        return self._uf.find(a) == self._uf.find(b)

    def join(self, a: str, b: str) -> bool:
        """Join the groups of a and b unless that makes a conflict (look-alike twins found included: one group
        spelt as one twin, the other only as the other); whether they are one group now."""
        ra, rb = self._uf.find(a), self._uf.find(b)
        if ra == rb:
            return True
        if _clash(self._pooled[ra], self._pooled[rb]):
            return False
        if self._twins(ra, rb):
            return False
        root = self._uf.union(ra, rb)
        other = self._pooled.pop(rb if root == ra else ra)
        for mine, theirs in zip(self._pooled[root], other, strict=True):
            mine |= theirs
        self._spellings[root] |= self._spellings.pop(rb if root == ra else ra)
        return True

    def _twins(self, ra: str, rb: str) -> bool:
        for twins in self._twin_spellings.values():
            mine, theirs = self._spellings[ra] & twins, self._spellings[rb] & twins
            if mine and theirs and not mine & theirs:
                return True
        return False

    def _twin_names(self, holders: list[Individual]) -> set[str]:
        """The first names (``mk_full_name_dob`` tokens) of look-alike twins sharing a child key: the names of
        two holders that cannot be one person (one service's two records, two NHS numbers), and names that
        recur (each twin is known to several services; a spelling error is one service's)."""
        spelt: dict[str, int] = defaultdict(int)
        for ind in holders:
            for token in ind.keys.get("mk_full_name_dob", ()):
                spelt[token] += 1
        names = {token for token, n in spelt.items() if n >= 2}
        for i, a in enumerate(holders):
            for b in holders[i + 1:]:
                ra, rb = self._uf.find(a.label), self._uf.find(b.label)
                if ra != rb and _clash(self._pooled[ra], self._pooled[rb]):
                    names |= set(a.keys.get("mk_full_name_dob", ())) ^ set(b.keys.get("mk_full_name_dob", ()))
        return names

    def join_strong(self, settings: TolerantSettings) -> tuple[list[FuzzyLink], list[FuzzyLink]]:
        """Join individuals sharing a strong key (the child key), best scored pairs first, so that of
        look-alike twins seen by one service each record joins its own twin; (links, refused)."""
        inds = self.individuals
        holders = _holders(inds.values(), lambda name: name in settings.strong_keys)
        counts = {t: len(labels) for t, labels in _holders(
            inds.values(), lambda name: name not in settings.strong_keys).items()}
        pairs: set[tuple[str, str]] = set()
        for token, labels in holders.items():
            ordered = sorted(labels)
            pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:])
            twins = self._twin_names([inds[label] for label in ordered])
            if len(twins) >= 2:
                self._twin_spellings[token] = twins
        scored = sorted((FuzzyLink(a, b, *score(inds[a], inds[b], counts, settings)) for a, b in pairs),
                        key=lambda link: (-link.score, link.a, link.b))
        links: list[FuzzyLink] = []
        refused: list[FuzzyLink] = []
        for link in scored:
            if not self.same(link.a, link.b):
                (links if self.join(link.a, link.b) else refused).append(link)
        return links, refused

    def pooled_individuals(self) -> dict[str, Individual]:
        """One Individual per group, named by its root label, with every member's evidence."""
        merged: dict[str, Individual] = {}
        for label in sorted(self.individuals):
            ind, root = self.individuals[label], self._uf.find(label)
            target = merged.get(root)
            if target is None:
                target = merged[root] = Individual(root)
            for name, tokens in ind.keys.items():
                target.keys.setdefault(name, set()).update(tokens)
            for attr in ("nhs", "carers", "services", "types", "genders", "wards", "ethnicities", "languages"):
                getattr(target, attr).update(getattr(ind, attr))
        return merged


def _holders(individuals: Iterable[Individual], wanted: Callable[[str], bool]) -> dict[str, set[str]]:
    """Key token -> labels of the individuals holding it, for the keys ``wanted(name)`` accepts."""
    holders: dict[str, set[str]] = defaultdict(set)
    for ind in individuals:
        for name, tokens in ind.keys.items():
            if wanted(name):
                for token in tokens:
                    holders[token].add(ind.label)
    return holders


def _clash(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Two NHS numbers, one service twice, a child and an adult, or two people by a reviewer, once joined."""
    return (bool(a[0] and b[0] and not a[0] & b[0]) or bool(a[1] & b[1]) or a[2] != b[2]
            or bool(a[4] & b[3] or b[4] & a[3]))
