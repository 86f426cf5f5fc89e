"""Each distinct identifier value normalised and tokenised once, under every key, and remembered.

What ``RowIdentifier`` remembers, held as plain dicts so a chunk's loop reads them without a call
per identifier. An answer is ``(canonical, tokens)`` (one token per key, current first), or the
finding code (a str) when the value cannot be an identifier. Each memo is emptied when it reaches
``limit`` entries, so memory stays bounded however long the service runs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import TypeVar

from leap_contracts.pseudonymisation import (
    NormalisationFinding,
    Tokeniser,
    name_prefix,
    normalise_email,
    normalise_mobile,
    normalise_nhs_number,
)
from leap_contracts.pseudonymisation.identify import TokenisedValue, Tokens
from leap_contracts.pseudonymisation.match_keys import MatchKeyMaker

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class _Memo(dict[_K, _V]):
    def __init__(self, compute: Callable[[_K], _V], limit: int) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, key: _K) -> _V:
        if len(self) >= self._limit:
            self.clear()
        value = self[key] = self._compute(key)
        return value


class TokenMemos:
    def __init__(self, current: Tokeniser, previous: Sequence[Tokeniser] = (), limit: int = 100_000, *,
                 match_keys: bool = True) -> None:
        keys = (current, *previous)
        self.key_ids = [t.key_id for t in previous]
        """The previous keys' ids: linking tokens ``i + 1`` of every answer are under ``key_ids[i]``."""

        def identifier(normalise: Callable[[str], str],
                       make: Callable[[Tokeniser, str], str]) -> _Memo[str, TokenisedValue | str]:
            def compute(raw: str) -> TokenisedValue | str:
                try:
                    canonical = normalise(raw)
                except NormalisationFinding as finding:
                    return finding.code
                return canonical, tuple(make(k, canonical) for k in keys)
            return _Memo(compute, limit)

        def prefix(first_name: str) -> tuple[str] | str:
            try:
                return (name_prefix(first_name),)
            except NormalisationFinding as finding:
                return finding.code

        self.nhs_number = identifier(normalise_nhs_number, Tokeniser.nhs_number)
        self.email = identifier(normalise_email, Tokeniser.email)
        self.mobile = identifier(normalise_mobile, Tokeniser.mobile)
        self.name_prefix = _Memo(prefix, limit)
        """first name -> ``(prefix,)`` or the finding code."""
        self.child_key: _Memo[tuple[str, date, str, str], Tokens] = _Memo(
            lambda parts: tuple(k.child_key(*parts) for k in keys), limit)
        """(carer e-mail canonical, date of birth, gender, name prefix) -> tokens."""
        self.provider_record_id: _Memo[tuple[str, str], Tokens] = _Memo(
            lambda parts: tuple(k.provider_record_id(*parts) for k in keys), limit)
        """(service code, provider record id) -> tokens."""
        self.match_keys = MatchKeyMaker(current, limit) if match_keys else None
        """A row's match keys (spec §3a) under the current key; None: records carry no match keys."""
        self.previous_match_keys = [MatchKeyMaker(k, limit) for k in previous] if match_keys else []
        """... and under each previous key, in ``key_ids`` order."""
