"""Tolerant linkage as records arrive and are withdrawn, equal to the batch partition at every step.

Two records can only influence each other's individual through a chain of shared
tokens (exact tokens or match keys). So when records arrive or leave, only the
*region* they touch (every record reachable from them through shared tokens) is
recomputed with `partition`; every other individual is untouched. The result is the
batch partition of all current records, whatever the order or chunking.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from leap_matcher.domain.tolerant.model import FuzzyLink, TolerantRecord, TolerantSettings
from leap_matcher.domain.tolerant.partition import partition


class IncrementalLinker:
    def __init__(self, settings: TolerantSettings | None = None) -> None:
        self.settings = settings or TolerantSettings()
        self.records: dict[str, TolerantRecord] = {}
        self.cluster_of: dict[str, str] = {}
        self.links: dict[tuple[str, str], FuzzyLink] = {}
        self.review: dict[tuple[str, str], FuzzyLink] = {}
        self._holders: dict[str, set[str]] = defaultdict(set)
        self.decisions: dict[tuple[str, str], bool] = {}
        self._decided_with: dict[str, set[str]] = defaultdict(set)

    @staticmethod
    def _tokens(record: TolerantRecord) -> Iterable[str]:
        """Every token through which records influence each other (carers: a child's carer contact is
        compared as the adult individual holding it)."""
        yield from record.tokens
        yield from (token for _, token in record.key_tokens())
        yield from record.carers

    def add(self, chunk: Iterable[TolerantRecord]) -> set[str]:
        """Store the chunk's records; returns the ids of the records whose individual was recomputed."""
        ids = []
        for record in chunk:
            if record.id in self.records:  # redelivery: already stored
                continue
            self.records[record.id] = record
            for token in self._tokens(record):
                self._holders[token].add(record.id)
            ids.append(record.id)
        return self._recompute(self._region(ids))

    def decide(self, a: str, b: str, same: bool) -> set[str]:
        """A reviewer's answer about the individuals of records a and b (one person or two)."""
        self.decisions[(a, b)] = same
        self._decided_with[a].add(b)
        self._decided_with[b].add(a)
        return self._recompute(self._region([i for i in (a, b) if i in self.records]))

    def withdraw(self, record_ids: Iterable[str]) -> set[str]:
        gone = [i for i in record_ids if i in self.records]
        region = self._region(gone)
        for record_id in gone:
            record = self.records.pop(record_id)
            for token in self._tokens(record):
                holders = self._holders[token]
                holders.discard(record_id)
                if not holders:
                    del self._holders[token]
            self.cluster_of.pop(record_id, None)
        return self._recompute(region - set(gone), stale=region)

    def _region(self, start: Iterable[str]) -> set[str]:
        seen, todo, used = set(start), list(start), set()
        while todo:
            record = self.records[todo.pop()]
            for other in self._decided_with.get(record.id, ()):
                if other in self.records and other not in seen:
                    seen.add(other)
                    todo.append(other)
            for token in self._tokens(record):
                if token in used:
                    continue
                used.add(token)
                for other in self._holders.get(token, ()):
                    if other not in seen:
                        seen.add(other)
                        todo.append(other)
        return seen

    def _recompute(self, region: set[str], stale: set[str] | None = None) -> set[str]:
        """Partition the region afresh; links and reviews between its individuals (named by record ids in
        ``stale``, the region before any withdrawal) are replaced."""
        stale = region if stale is None else stale
        for store in (self.links, self.review):
            for pair in [p for p in store if p[0] in stale or p[1] in stale]:
                del store[pair]
        result = partition((self.records[i] for i in region), self.settings, self.decisions)
        self.cluster_of.update(result.cluster_of)
        self.links.update(((link.a, link.b), link) for link in result.links)
        self.review.update(((link.a, link.b), link) for link in result.review)
        return region
