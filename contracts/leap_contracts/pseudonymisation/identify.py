"""From a row's raw identifier values to its tokens (the whole standard, in one place).

Used by the pseudonymiser service, the at-source tool and the test vectors, so
every implementation applies the same rules: which identifiers count for which
beneficiary type, when a child key can be built, which findings are raised.
Normalisation results and tokens are memoised per distinct value (identifiers
repeat across a person's contacts); the memo is bounded, so memory stays
constant however long the input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, TypedDict, cast, overload

from leap_contracts.pseudonymisation.normalise import (
    NormalisationFinding,
    name_prefix,
    normalise_email,
    normalise_mobile,
    normalise_nhs_number,
)
from leap_contracts.pseudonymisation.tokens import Tokeniser

KEY_GENDERS = frozenset({"female", "male", "other"})
"""An 'unknown' gender says nothing about the child, so it cannot be part of its key."""

IDENTIFIERS = ("nhs_number", "child_key", "email", "mobile", "provider_record_id")
CARER_IDENTIFIERS = ("email", "mobile")


@dataclass(slots=True)
class RowTokens:
    """Tokens under one key; None where the identifier is absent or unusable."""

    key_id: str
    tokens: dict[str, str | None]
    carer_tokens: dict[str, str | None]


@dataclass(slots=True)
class Identified:
    current: RowTokens
    linking: list[RowTokens] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


Tokens = tuple[str, ...]
"""A value's tokens: one per key, the current key's first."""
TokenisedValue = tuple[str, Tokens]
"""A usable identifier: its canonical value and its tokens."""

SLOTS = ("nhs_number", "child_key", "email", "mobile", "provider_record_id", "carer_email", "carer_mobile")
"""The order of :meth:`RowIdentifier.tokenise`'s answer."""

_NORMALISERS: dict[str, Callable[[str], str]] = {
    "nhs_number": normalise_nhs_number, "email": normalise_email, "mobile": normalise_mobile,
}
_MAKERS: dict[str, Callable[..., str]] = {
    "nhs_number": Tokeniser.nhs_number, "email": Tokeniser.email, "mobile": Tokeniser.mobile,
    "child_key": Tokeniser.child_key, "provider_record_id": Tokeniser.provider_record_id,
}

_IdentifierKind = Literal["nhs_number", "email", "mobile"]
_CompositeKind = Literal["child_key", "provider_record_id"]


class _Memos(TypedDict):
    """:class:`RowIdentifier`'s memos by kind; a str answer is the finding code of an unusable value."""

    nhs_number: dict[str, TokenisedValue | str]
    email: dict[str, TokenisedValue | str]
    mobile: dict[str, TokenisedValue | str]
    name: dict[str, tuple[str, str] | str]
    """first name -> ``("ok", prefix)``"""
    child_key: dict[tuple[str | date, ...], Tokens]
    provider_record_id: dict[tuple[str | date, ...], Tokens]


class RowIdentifier:
    """Tokenises rows with the current key and, during a rotation, each previous key too.

    Each distinct raw value is normalised and tokenised once (under every key), then
    remembered; the memo is cleared when it reaches ``memo_limit`` entries.
    """

    def __init__(self, current: Tokeniser, previous: Sequence[Tokeniser] = (), memo_limit: int = 100_000) -> None:
        self.current = current
        self.previous = tuple(previous)
        self._keys = (current, *self.previous)
        self._limit = memo_limit
        self._memos = cast(_Memos, {kind: {} for kind in (*_NORMALISERS, "name", "child_key", "provider_record_id")})

    @overload
    def _identifier(self, kind: _IdentifierKind, raw: None, findings: list[str]) -> None: ...
    @overload
    def _identifier(self, kind: _IdentifierKind, raw: str | None, findings: list[str]) -> TokenisedValue | None: ...
    def _identifier(self, kind: _IdentifierKind, raw: str | None, findings: list[str]) -> object:
        """(canonical, tokens per key) of a raw identifier, or None (a finding is recorded when unusable).

        Typed by overloads rather than a cast: mypy cannot tell from the class test that the answer returned
        is not a finding code (a str), and a cast would be a call for each identifier of each row."""
        if not raw:
            return None
        memo = self._memos[kind]
        known = memo.get(raw)
        if known is None:
            try:
                canonical = _NORMALISERS[kind](raw)
                make = _MAKERS[kind]
                known = (canonical, tuple(make(k, canonical) for k in self._keys))
            except NormalisationFinding as finding:
                known = finding.code
            if len(memo) >= self._limit:
                memo.clear()
            memo[raw] = known
        if known.__class__ is str:
            findings.append(known)
            return None
        return known

    def _composite(self, kind: _CompositeKind, parts: tuple[str | date, ...]) -> Tokens:
        memo = self._memos[kind]
        known = memo.get(parts)
        if known is None:
            make = _MAKERS[kind]
            known = tuple(make(k, *parts) for k in self._keys)
            if len(memo) >= self._limit:
                memo.clear()
            memo[parts] = known
        return known

    def _prefix(self, first_name: str | None, findings: list[str]) -> str | None:
        if not first_name:
            return None
        memo = self._memos["name"]
        known = memo.get(first_name)
        if known is None:
            try:
                known = ("ok", name_prefix(first_name))
            except NormalisationFinding as finding:
                known = finding.code
            if len(memo) >= self._limit:
                memo.clear()
            memo[first_name] = known
        if known.__class__ is str:
            findings.append(known)
            return None
        return known[1]

    def tokenise(self, beneficiary_type: str, service_code: str, provider_record_id: str,
                 nhs_number: str | None, first_name: str | None, date_of_birth: date | None, gender: str | None,
                 email: str | None, mobile: str | None, carer_email: str | None, carer_mobile: str | None,
                 ) -> tuple[tuple[tuple[str, ...] | None, ...], list[str]]:
        """Fast path: for each of :data:`SLOTS`, None or its tokens (one per key, current first); findings."""
        findings: list[str] = []
        ident = self._identifier
        nhs = ident("nhs_number", nhs_number, findings)
        c_email = ident("email", carer_email, findings)
        c_mobile = ident("mobile", carer_mobile, findings)
        adult = beneficiary_type == "adult"
        own_email = ident("email", email, findings) if adult else None
        own_mobile = ident("mobile", mobile, findings) if adult else None
        child = None
        if beneficiary_type == "child":
            prefix = self._prefix(first_name, findings)
            if c_email and date_of_birth and gender in KEY_GENDERS and prefix:
                child = self._composite("child_key", (c_email[0], date_of_birth, gender, prefix))
            else:
                findings.append("child_key_incomplete")
        prid = self._composite("provider_record_id", (service_code, provider_record_id))
        return (
            nhs and nhs[1], child, own_email and own_email[1], own_mobile and own_mobile[1], prid,
            None if adult or not c_email else c_email[1], None if adult or not c_mobile else c_mobile[1],
        ), findings

    def identify(self, *, beneficiary_type: str, service_code: str, provider_record_id: str,
                 nhs_number: str | None = None, first_name: str | None = None, date_of_birth: date | None = None,
                 gender: str | None = None, email: str | None = None, mobile: str | None = None,
                 carer_email: str | None = None, carer_mobile: str | None = None) -> Identified:
        """Values as the provider wrote them, except ``date_of_birth`` (a date) and ``gender`` (canonical)."""
        slots, findings = self.tokenise(beneficiary_type, service_code, provider_record_id, nhs_number, first_name,
                                         date_of_birth, gender, email, mobile, carer_email, carer_mobile)
        sets = []
        for index, tokeniser in enumerate(self._keys):
            t = [s[index] if s else None for s in slots]
            sets.append(RowTokens(
                tokeniser.key_id,
                {"nhs_number": t[0], "child_key": t[1], "email": t[2], "mobile": t[3], "provider_record_id": t[4]},
                {"email": t[5], "mobile": t[6]},
            ))
        return Identified(sets[0], sets[1:], findings)
