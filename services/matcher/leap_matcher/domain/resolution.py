"""Pure entity resolution for one chunk: which records form which individuals.

Records are joined when they share an identifier token; a token already known
joins its record to the individual holding it. Each connected component of the
chunk's records and the known individuals they touch becomes one individual:
the oldest known individual survives (smallest id), the other known ones merge
into it, and a component touching none is a new individual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Token = bytes


@dataclass
class Component:
    records: list[int] = field(default_factory=list)
    """Indexes (into the chunk) of the records in this component."""
    known: set[int] = field(default_factory=set)
    """Ids of already-known individuals this component touches."""
    tokens: set[Token] = field(default_factory=set)

    @property
    def survivor(self) -> int | None:
        return min(self.known) if self.known else None

    @property
    def merged(self) -> list[int]:
        survivor = self.survivor
        return sorted(i for i in self.known if i != survivor)


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, x: object) -> object:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: object, b: object) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


def resolve(record_tokens: Sequence[Sequence[Token]], known: Mapping[Token, int]) -> list[Component]:
    """Components of the chunk. Pass only linking tokens (quarantined ones left out): a record
    left with none is an individual of its own."""
    uf = UnionFind()
    for index, tokens in enumerate(record_tokens):
        node = ("record", index)
        uf.find(node)
        for token in tokens:
            uf.union(node, token)
            if token in known:
                uf.union(token, ("individual", known[token]))
    components: dict[object, Component] = {}
    for index, tokens in enumerate(record_tokens):
        component = components.setdefault(uf.find(("record", index)), Component())
        component.records.append(index)
        for token in tokens:
            component.tokens.add(token)
            if token in known:
                component.known.add(known[token])
    return list(components.values())
