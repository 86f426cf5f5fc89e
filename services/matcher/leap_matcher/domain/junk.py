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

