"""When an identifier stops being one: it ties together implausibly many different people.

A token is junk when the records carrying it show more than ``max_birth_months`` distinct birth
months, or come from more than ``max_providers`` providers. Quarantine is sticky: a withdrawal
that later removes some of those records does not bring the token back.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import NamedTuple

from leap_matcher.domain.identity import KnownToken


@dataclass(frozen=True)
class JunkRule:
    max_birth_months: int = 3
    max_providers: int = 10

    def is_junk(self, birth_months: Set[str], providers: Set[str]) -> bool:
        return len(birth_months) > self.max_birth_months or len(providers) > self.max_providers


@dataclass(slots=True)
class TokenStats:
    """The distinct providers and birth months of the records carrying a token (one per token of a chunk: a
    dataclass, whose construction costs less than a NamedTuple's)."""
    providers: set[str]
    birth_months: set[str]


class StatsUpdate(NamedTuple):
    """A known token's statistics as they are to be stored again (sorted), and whether it is now junk."""
    token: bytes
    providers: list[str]
    birth_months: list[str]
    quarantined: bool


_new = tuple.__new__
"""``NamedTuple._make`` without its length check, about three times cheaper than calling the class."""


@dataclass(frozen=True, slots=True)
class JunkFindings:
    """What a chunk's statistics, merged with the stored ones, say about its tokens."""
    updates: list[StatsUpdate]
    """Known tokens whose statistics grew."""
    new_junk: dict[bytes, TokenStats]
    """Tokens this chunk makes junk (known or not), with their merged statistics."""
    excluded: set[bytes]
    """Tokens that link nobody: the new junk and the tokens quarantined before."""


def find_junk(rule: JunkRule, provider: str, stats: Mapping[bytes, TokenStats],
              known: Mapping[bytes, KnownToken]) -> JunkFindings:
    """Per token, the chunk's statistics (``stats``, from one ``provider``) merged with the stored ones."""
    updates, new_junk = [], {}
    for token, s in stats.items():
        k = known.get(token)
        if k is not None:
            if k.quarantined:
                continue
            if provider in k.providers and s.birth_months.issubset(k.birth_months):
                continue  # nothing new
            s = TokenStats(s.providers | set(k.providers), s.birth_months | set(k.birth_months))
        junk = rule.is_junk(s.birth_months, s.providers)
        if junk:
            new_junk[token] = s
        if k is not None:
            updates.append(_new(StatsUpdate, (token, sorted(s.providers), sorted(s.birth_months), junk)))
    return JunkFindings(updates, new_junk, new_junk.keys() | {t for t, k in known.items() if k.quarantined})
