"""Pure entity resolution for one chunk: which records form which individuals.

Records are joined when they share an identifier token; a token already known
joins its record to the individual holding it. Each connected component of the
chunk's records and the known individuals they touch becomes one individual:
the oldest known individual survives (smallest id), the other known ones merge
into it, and a component touching none is a new individual.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field

from leap_matcher.domain.identity import KnownToken

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
    left with none is an individual of its own.

    Union-find over record indexes only: a token, or a known individual, is represented by the
    first record that carries it (about 10x cheaper than hashing tokens into the forest)."""
    parent = list(range(len(record_tokens)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving
            i = parent[i]
        return i

    first_with: dict[Token | int, int] = {}  # a token, or a known individual's id (never equal to a token)
    for index, tokens in enumerate(record_tokens):
        for token in tokens:
            holder = known.get(token)
            for node in (token,) if holder is None else (token, holder):
                other = first_with.setdefault(node, index)
                if other != index:
                    a, b = root(index), root(other)
                    if a != b:
                        parent[a] = b
    components: dict[int, Component] = {}
    for index, tokens in enumerate(record_tokens):
        component = components.get(r := root(index))
        if component is None:
            component = components[r] = Component()
        component.records.append(index)
        component.tokens.update(tokens)
        component.known.update(known[t] for t in tokens if t in known)
    return list(components.values())


def resolve_known(record_tokens: Sequence[Sequence[Token]], known: Mapping[Token, KnownToken],
                  excluded: Set[Token]) -> list[Component]:
    """:func:`resolve` over the tokens that link: ``record_tokens`` without the ``excluded`` (junk) tokens
    (see ``chunk_records.linking_tokens``), against the individuals the other known tokens belong to."""
    return resolve(record_tokens, {t: k.individual_id for t, k in known.items()
                                   if t not in excluded and k.individual_id is not None})


def place(components: Sequence[Component], owner: Sequence[int], records: int, known: Container[Token],
          junk: Iterable[Token]) -> tuple[list[int], dict[Token, int | None]]:
    """Once each component has its individual (``owner``, by index): each of the chunk's ``records``
    individual, and each token new to the index with the individual it joins (a junk one: nobody's)."""
    individual_of = [0] * records
    new_tokens: dict[Token, int | None] = {t: None for t in junk if t not in known}
    for c, o in zip(components, owner):
        for i in c.records:
            individual_of[i] = o
        for t in c.tokens:
            if t not in known:
                new_tokens[t] = o
    return individual_of, new_tokens
