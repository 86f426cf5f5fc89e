"""Match keys: keyed tokens of fuzzy representations, for linkage that tolerates recording errors.

Each match key is a token (the same HMAC construction as every other token,
``tokens.py``) over a *combination* of fuzzy representations, graded from
strict to loose, so that one recording error (a typo, a nickname spelt alike,
a day/month swap, an old carer e-mail, a missing carer) leaves at least one
key of the same person in agreement. Combining fields keeps every key as rare
as a person: no key is a token of a single low-entropy value (a first name, a
date), whose frequencies could be matched against public name or birth
statistics. The keys and their fields (docs/pseudonymisation-spec.md §3a):

=======================  =====================================================  ===========
key                      fields, in this order                                  rows
=======================  =====================================================  ===========
``mk_name_dob``          beneficiary_type, name_soundex, date_of_birth           any
``mk_prefix_dob_swap``   beneficiary_type, first_name_prefix, dob_unordered      any
``mk_carer_email_dob``   carer_email, date_of_birth                              child
``mk_carer_email_name``  carer_email, name_soundex, birth_year                    child
``mk_carer_mobile_dob``  carer_mobile, date_of_birth                             child
``mk_dob_postcode``      beneficiary_type, dob_unordered, postcode               any
``mk_name_postcode``     beneficiary_type, name_soundex, postcode                any
``mk_full_name_dob``     beneficiary_type, name_letters, date_of_birth           any
=======================  =====================================================  ===========

A key is absent (None) when any of its fields is.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import cast

from leap_contracts.pseudonymisation.normalise import (
    NormalisationFinding,
    normalise_email,
    normalise_mobile,
    normalise_postcode,
)
from leap_contracts.pseudonymisation.tokens import Tokeniser

MATCH_KEYS = ("mk_name_dob", "mk_prefix_dob_swap", "mk_carer_email_dob", "mk_carer_email_name",
              "mk_carer_mobile_dob", "mk_dob_postcode", "mk_name_postcode", "mk_full_name_dob")
CARER_KEYS = frozenset({"mk_carer_email_dob", "mk_carer_email_name", "mk_carer_mobile_dob"})

_SOUNDEX = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"),
            "l": "4", **dict.fromkeys("mn", "5"), "r": "6", **dict.fromkeys("aeiouy", "0")}


def name_letters(first_name: str) -> str:
    """Every letter of a first name, as the first-name prefix takes its first three (case folded, NFKD,
    letters only, combining marks dropped): ``Zoë``→``zoe``, ``Anne-Marie``→``annemarie``."""
    decomposed = unicodedata.normalize("NFKD", first_name.casefold())
    return "".join(ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch))


def soundex(letters: str) -> str | None:
    """American Soundex of the ASCII letters a-z in ``letters`` (others ignored): the first letter in
    upper case and three digits. Consonants of one class next to each other, or separated only by h or
    w, are coded once (the first letter included); a vowel (a e i o u y) separates them. None without
    any ASCII letter. ``robert``→``R163``, ``ashcraft``→``A261``, ``pfister``→``P236``."""
    ascii_letters = [c for c in letters if "a" <= c <= "z"]
    if not ascii_letters:
        return None
    first = ascii_letters[0]
    out, last = first.upper(), _SOUNDEX.get(first)
    for ch in ascii_letters[1:]:
        code = _SOUNDEX.get(ch)
        if code is None:  # h, w: transparent
            continue
        if code != "0" and code != last:
            out += code
            if len(out) == 4:
                break
        last = code
    return out.ljust(4, "0")


def dob_unordered(dob: date) -> str:
    """``YYYY-LL-HH``: the year, then the smaller and the larger of month and day, so a date and its
    day/month swap give the same text (``2022-03-11`` and ``2022-11-03`` both ``2022-03-11``)."""
    low, high = sorted((dob.month, dob.day))
    return f"{dob.year:04d}-{low:02d}-{high:02d}"


def canonical(normalise: Callable[[str], str], raw: str | None) -> str | None:
    """``raw`` normalised, or None when it is empty or does not normalise (a finding, not a value)."""
    if not raw:
        return None
    try:
        return normalise(raw)
    except NormalisationFinding:
        return None


class MatchKeyMaker:
    """Makes a row's match keys with one tokeniser; pure, memoised per distinct combination."""

    def __init__(self, tokeniser: Tokeniser, memo_limit: int = 100_000) -> None:
        self._tokeniser = tokeniser
        self._limit = memo_limit
        self._memo: dict[tuple[object, ...], dict[str, str | None]] = {}

    def make(self, beneficiary_type: str, first_name: str | None, date_of_birth: date | None,
             carer_email: str | None = None, carer_mobile: str | None = None,
             postcode: str | None = None) -> dict[str, str | None]:
        """Values as written (first name, carer contacts, postcode), ``date_of_birth`` parsed; adult rows
        have no carer keys."""
        child = beneficiary_type == "child"
        parts = (beneficiary_type, first_name or None, date_of_birth,
                 carer_email if child else None, carer_mobile if child else None, postcode or None)
        known = self._memo.get(parts)
        if known is None:
            known = self._compute(*parts)
            if len(self._memo) >= self._limit:
                self._memo.clear()
            self._memo[parts] = known
        return known

    def _compute(self, btype: str, first_name: str | None, dob: date | None, carer_email: str | None,
                 carer_mobile: str | None, postcode: str | None) -> dict[str, str | None]:
        letters = name_letters(first_name) if first_name else ""
        code = soundex(letters)
        prefix = letters[:3] or None
        email = canonical(normalise_email, carer_email)
        mobile = canonical(normalise_mobile, carer_mobile)
        iso = dob.isoformat() if dob else None
        place = canonical(normalise_postcode, postcode)
        unordered = dob_unordered(dob) if dob else None
        token = self._token
        return {
            "mk_name_dob": token("mk_name_dob", ("beneficiary_type", btype), ("name_soundex", code),
                                 ("date_of_birth", iso)),
            "mk_prefix_dob_swap": token("mk_prefix_dob_swap", ("beneficiary_type", btype),
                                        ("first_name_prefix", prefix), ("dob_unordered", unordered)),
            "mk_carer_email_dob": token("mk_carer_email_dob", ("carer_email", email), ("date_of_birth", iso)),
            "mk_carer_email_name": token("mk_carer_email_name", ("carer_email", email), ("name_soundex", code),
                                         ("birth_year", f"{dob.year:04d}" if dob else None)),
            "mk_carer_mobile_dob": token("mk_carer_mobile_dob", ("carer_mobile", mobile), ("date_of_birth", iso)),
            "mk_dob_postcode": token("mk_dob_postcode", ("beneficiary_type", btype), ("dob_unordered", unordered),
                                     ("postcode", place)),
            "mk_name_postcode": token("mk_name_postcode", ("beneficiary_type", btype), ("name_soundex", code),
                                      ("postcode", place)),
            "mk_full_name_dob": token("mk_full_name_dob", ("beneficiary_type", btype), ("name_letters", letters or None),
                                      ("date_of_birth", iso)),
        }

    def _token(self, label: str, *fields: tuple[str, str | None]) -> str | None:
        if any(value is None for _, value in fields):
            return None
        return self._tokeniser.token(label, *cast(tuple[tuple[str, str], ...], fields))  # None ruled out above
