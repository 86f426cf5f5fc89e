"""The groups tolerant linkage builds (``partition``): union-find over individual labels, each group's pooled
evidence, and the conflicts that refuse a join (two NHS numbers, one service twice, a child and an adult,
look-alike twins, a reviewer's rejection)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from leap_matcher.domain.tolerant.model import FuzzyLink, TolerantSettings
from leap_matcher.domain.tolerant.scoring import Individual, score


class UnionFind:
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


class Groups:
    """Individuals joined so far, each group's pooled NHS numbers, services and types (for conflicts)."""

    def __init__(self, individuals: dict[str, Individual], rejected: Iterable[tuple[str, str]] = ()) -> None:
        self.individuals = individuals
        self._uf = UnionFind()
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
        holders = key_holders(inds.values(), lambda name: name in settings.strong_keys)
        counts = {t: len(labels) for t, labels in key_holders(
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


def key_holders(individuals: Iterable[Individual], wanted: Callable[[str], bool]) -> dict[str, set[str]]:
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
