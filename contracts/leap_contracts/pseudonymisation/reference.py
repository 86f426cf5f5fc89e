"""One raw value in, the reference answer out: what every implementation must produce.

Implementations are bound by the vectors (``vectors.json``) and by agreeing with
this function on any text drawn from :data:`AGREED_ALPHABETS`: Latin letters
with their diacritics, digits, the notation characters providers use, ASCII and
non-breaking white space. (Outside them, e.g. for scripts whose case folding
differs from lower-casing, implementations may differ; such values are rare in
UK records and the reference code is authoritative.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from leap_contracts.pseudonymisation import normalise as n
from leap_contracts.pseudonymisation.identify import KEY_GENDERS
from leap_contracts.pseudonymisation.match_keys import MatchKeyMaker, name_letters, soundex
from leap_contracts.pseudonymisation.tokens import Tokeniser

_LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIACRITICS = "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßĀāĆćČčĐđĘęĞğİıŁłŃńŒœŘřŚśŞşŠšŪūŹźŻżŽžẞ"
_SPACES = " \t\n\u00a0"
AGREED_ALPHABETS = {
    "any": _LATIN + _DIACRITICS + "0123456789" + _SPACES + "+-().@_'’/",
    "digits": "0123456789 -\t",
    "email": _LATIN + "0123456789.+-_@ ",
    "name": _LATIN + _DIACRITICS + " -'’.",
}

NORMALISERS: dict[str, Callable[[str], str]] = {
    "nhs_number": n.normalise_nhs_number, "email": n.normalise_email, "mobile": n.normalise_mobile,
    "postcode": n.normalise_postcode, "gender": n.normalise_gender, "first_name_prefix": n.name_prefix,
    "date_of_birth": lambda v: n.normalise_date_of_birth(v).isoformat()}
TOKENISED = {"nhs_number": Tokeniser.nhs_number, "email": Tokeniser.email, "mobile": Tokeniser.mobile}


def reference_answer(key: bytes, kind: str, value: str | tuple[str, str, str, str]) -> str | None:
    """Token (nhs_number, email, mobile, child_key), else the canonical value; None when unusable.

    ``child_key`` takes (carer e-mail, date of birth, gender, first name) as written.
    """
    try:
        if kind == "child_key":
            email, dob, gender, first = cast("tuple[str, str, str, str]", value)
            g = n.normalise_gender(gender)
            if g not in KEY_GENDERS:
                return None
            return Tokeniser(key, "ref").child_key(n.normalise_email(email), n.normalise_date_of_birth(dob), g,
                                                   n.name_prefix(first))
        canonical = NORMALISERS[kind](cast(str, value))  # every other kind is one value
    except n.NormalisationFinding:
        return None
    return TOKENISED[kind](Tokeniser(key, "ref"), canonical) if kind in TOKENISED else canonical


def reference_name_soundex(first_name: str) -> str | None:
    """The Soundex code the match keys use for a first name as written; None when it has no ASCII letter."""
    return soundex(name_letters(first_name))


def reference_match_keys(key: bytes, beneficiary_type: str, first_name: str, date_of_birth: str,
                         carer_email: str, carer_mobile: str, postcode: str = "") -> dict[str, str | None]:
    """Every match key of a row, from values as written (an unusable date of birth gives no date)."""
    try:
        dob = n.normalise_date_of_birth(date_of_birth) if date_of_birth else None
    except n.NormalisationFinding:
        dob = None
    return MatchKeyMaker(Tokeniser(key, "ref")).make(beneficiary_type, first_name, dob, carer_email, carer_mobile,
                                                     postcode)
