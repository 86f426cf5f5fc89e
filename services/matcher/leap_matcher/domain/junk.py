"""When an identifier stops being one: it ties together implausibly many different people.

A token is junk when the records carrying it show more than ``max_birth_months`` distinct birth
months, or come from more than ``max_providers`` providers. Quarantine is sticky: a withdrawal
that later removes some of those records does not bring the token back.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass


@dataclass(frozen=True)
class JunkRule:
    max_birth_months: int = 3
    max_providers: int = 10

    def is_junk(self, birth_months: Set[str], providers: Set[str]) -> bool:
        return len(birth_months) > self.max_birth_months or len(providers) > self.max_providers


@dataclass
class TokenStats:
    providers: set[str]
    birth_months: set[str]


def chunk_stats(records: list[tuple[list[bytes], str | None]], provider_id: str) -> dict[bytes, TokenStats]:
    """Distinct providers and birth months per token among one chunk's records (tokens, birth month)."""
    stats: dict[bytes, TokenStats] = {}
    for tokens, birth_month in records:
        for token in tokens:
            s = stats.setdefault(token, TokenStats({provider_id}, set()))
            if birth_month:
                s.birth_months.add(birth_month)
    return stats
