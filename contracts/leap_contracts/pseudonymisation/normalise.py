"""Normalise identifiers to one canonical form each, or say why they are unusable.

Every function returns the canonical value, or raises
:class:`NormalisationFinding` whose ``code`` names the data-quality finding
(``nhs_number_invalid``, ``email_placeholder``...). Messages never include the
value itself, so they are safe to log and to show.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the events package (pydantic models) is not loaded to normalise a value
    from leap_contracts.events.base import Gender


class NormalisationFinding(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# --- NHS number ----------------------------------------------------------------

_NHS_SEPARATORS = re.compile(r"[\s-]")
_NHS_JUNK = frozenset({"0000000000", "1111111111", "2222222222", "3333333333", "4444444444",
                       "5555555555", "6666666666", "7777777777", "8888888888", "9999999999",
                       "1234567890", "0123456789"})


def nhs_check_digit(first_nine: str) -> int | None:
    """Modulus 11 check digit for nine digits; None when no valid digit exists (remainder 10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(value: str) -> str:
    digits = _NHS_SEPARATORS.sub("", value)
    if not digits.isascii() or not digits.isdigit() or len(digits) != 10:
        raise NormalisationFinding("nhs_number_malformed", "NHS number must be 10 digits")
    if digits in _NHS_JUNK:
        raise NormalisationFinding("nhs_number_placeholder", "NHS number is a placeholder")
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise NormalisationFinding("nhs_number_invalid", "NHS number fails the Modulus 11 check")
    return digits


# --- e-mail --------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PLACEHOLDER_LOCALS = frozenset({"noemail", "no.email", "no_email", "no-email", "none", "no", "na",
                                  "n/a", "nil", "null", "unknown", "test", "notknown", "not.known",
                                  "noreply", "no-reply", "donotreply", "dummy", "example", "x", "xx",
                                  "xxx", "a", "abc", "refused", "declined"})
_PLACEHOLDER_DOMAINS = frozenset({"none.com", "noemail.com", "example.com", "example.org",
                                  "test.com", "email.com", "nomail.com", "unknown.com", "na.com"})


def normalise_email(value: str) -> str:
    email = value.strip().lower()
    if not _EMAIL.match(email):
        raise NormalisationFinding("email_malformed", "e-mail address is not of the form name@domain")
    local, domain = email.rsplit("@", 1)
    if local in _PLACEHOLDER_LOCALS or domain in _PLACEHOLDER_DOMAINS:
        raise NormalisationFinding("email_placeholder", "e-mail address is a placeholder")
    return email


# --- UK mobile -------------------------------------------------------------------

_PHONE_NOISE = re.compile(r"[\s\-().]")


def normalise_mobile(value: str) -> str:
    """Canonical form ``+447xxxxxxxxx``; only UK mobiles (07...) are identifiers."""
    number = _PHONE_NOISE.sub("", value)
    if number.startswith("+44"):
        number = number[3:]
    elif number.startswith("0044"):
        number = number[4:]
    elif number.startswith("44") and len(number) == 12:
        number = number[2:]
    if number.startswith("0"):
        number = number[1:]
    if not number.isascii() or not number.isdigit() or len(number) != 10:
        raise NormalisationFinding("mobile_malformed", "mobile is not a UK phone number")
    if not number.startswith("7"):
        raise NormalisationFinding("mobile_not_mobile", "phone number is not a UK mobile")
    if len(set(number[1:])) == 1 or number[1:] in ("123456789", "987654321"):
        raise NormalisationFinding("mobile_placeholder", "mobile is a placeholder")
    return "+44" + number


# --- gender, names, postcode ------------------------------------------------------

_GENDERS: dict[str, Gender] = {"f": "female", "female": "female", "m": "male", "male": "male",
                               "o": "other", "other": "other", "u": "unknown", "unknown": "unknown"}


def normalise_gender(value: str) -> Gender:
    gender = _GENDERS.get(value.strip().lower())
    if gender is None:
        raise NormalisationFinding("gender_invalid", "gender must be female, male, other or unknown (or F/M/O/U)")
    return gender


def name_prefix(first_name: str, length: int = 3) -> str:
    """First ``length`` letters of a first name: case folded, diacritics removed,
    apostrophes, hyphens, spaces and other non-letters dropped."""
    decomposed = unicodedata.normalize("NFKD", first_name.casefold())
    letters = "".join(ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch))
    if not letters:
        raise NormalisationFinding("first_name_empty", "first name has no letters")
    return letters[:length]


_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def normalise_postcode(value: str) -> str:
    """Canonical ``OUTWARD INWARD`` form, e.g. ``SW9 7AB``."""
    compact = re.sub(r"\s", "", value).upper()
    match = _POSTCODE.match(compact)
    if not match:
        raise NormalisationFinding("postcode_invalid", "postcode is not a UK postcode")
    return f"{match.group(1)} {match.group(2)}"


_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_UK_DATE = re.compile(r"^([0-9]{2})/([0-9]{2})/([0-9]{4})$")


def normalise_date_of_birth(value: str) -> date:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY`` (surrounding spaces ignored), a real calendar date."""
    text = value.strip()
    iso, uk = _ISO_DATE.match(text), _UK_DATE.match(text)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if uk:
            return date(int(uk.group(3)), int(uk.group(2)), int(uk.group(1)))
    except ValueError:
        pass
    raise NormalisationFinding("date_of_birth_invalid", "date of birth is not a real date in YYYY-MM-DD or DD/MM/YYYY form")
