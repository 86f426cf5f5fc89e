"""Identifier values made unique by construction, and the junk lists.

Every person gets a sequence number; NHS numbers, mobiles and e-mails are
bijections of it, so two people never share one (no lookup table needed).
The classification helpers say what the standard dataset's rules make of a
canonical value: whether it links (is an identifier) or is a finding.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_NHS_SPACE = 400_000_000  # first digit 4..7, never a junk repdigit range
_NHS_MULT = 2_654_435_761  # odd and not a multiple of 5: a bijection mod 4e8
_MOBILE_SPACE = 800_000_000
_MOBILE_PREFIXES = "12345789"  # 071-075, 077-079: UK mobile ranges
_MOBILE_MULT = 1_103_515_245 + 2  # 1103515247: odd, not a multiple of 5

JUNK_NHS_NUMBERS = frozenset(str(d) * 10 for d in range(10))
GENERATED_JUNK_NHS = ("0000000000", "9999999999")
PLACEHOLDER_EMAILS = ("noemail@nhs.net", "none@none.com", "no@email.com")
JUNK_MOBILES = ("07000000000",)


def nhs_check_digit(first9: str) -> int | None:
    """Modulus 11 check digit of nine digits; None when no digit is valid (10)."""
    total = sum(int(c) * w for c, w in zip(first9, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


@lru_cache(maxsize=1 << 14)  # a person's number recurs on all their rows
def passes_modulus_11(digits: str) -> bool:
    if len(digits) != 10 or not digits.isdigit():
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def nhs_number_for(seq: int) -> str:
    """The valid, non-junk NHS number of person `seq` (unique per seq)."""
    for k in range(16):
        x = seq * 16 + k
        if x >= _NHS_SPACE:
            raise ValueError("population too large for the NHS number space")
        first9 = str(_NHS_SPACE + (x * _NHS_MULT + 12_345) % _NHS_SPACE)
        check = nhs_check_digit(first9)
        if check is not None:
            number = first9 + str(check)
            if number not in JUNK_NHS_NUMBERS:
                return number
    raise AssertionError("no valid NHS number in 16 candidates")  # p < 1e-16


def mistyped_nhs_number(valid: str, shift: int) -> str:
    """The same number with a wrong check digit (fails Modulus 11)."""
    wrong = (int(valid[9]) + 1 + shift % 9) % 10
    return valid[:9] + str(wrong)


def mobile_for(seq: int) -> str:
    """The UK mobile of person `seq`, 07 + 9 digits (unique per seq)."""
    for k in range(4):
        x = seq * 4 + k
        if x >= _MOBILE_SPACE:
            raise ValueError("population too large for the mobile space")
        y = (x * _MOBILE_MULT + 987_654_321) % _MOBILE_SPACE
        prefix, rest = _MOBILE_PREFIXES[y // 100_000_000], f"{y % 100_000_000:08d}"
        drama = prefix == "7" and rest.startswith("00900")  # Ofcom 07700 900xxx
        if not drama and len(set(prefix + rest)) > 1:
            return "07" + prefix + rest
    raise AssertionError("no acceptable mobile in 4 candidates")


def ascii_letters(text: str) -> str:
    """Lowercase ASCII letters of `text` after removing diacritics."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return "".join(c for c in stripped.lower() if "a" <= c <= "z")


def email_for(seq: int, first: str, last: str, style: int, domain: str) -> str:
    """A lowercase e-mail ending in the person's sequence number, so unique."""
    f, s = ascii_letters(first) or "x", ascii_letters(last) or "x"
    local = (f"{f}.{s}", f"{f}{s}", f"{f[0]}.{s}", f"{f}_{s[0]}")[style % 4]
    return f"{local}{seq}@{domain}"


@lru_cache(maxsize=1 << 12)  # first names come from small pools
def name_key3(first_name: str) -> str:
    """First three characters of a first name as the child key uses them:
    lowercase, diacritics removed, apostrophes, hyphens and spaces removed."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", first_name) if not unicodedata.combining(c)
    )
    kept = "".join(c for c in stripped.lower() if c not in "'’-‐ \t")
    return kept[:3]


def links_as_nhs(canonical: str | None) -> bool:
    return canonical is not None and canonical not in JUNK_NHS_NUMBERS and passes_modulus_11(canonical)


def links_as_email(canonical: str | None) -> bool:
    return canonical is not None and canonical not in PLACEHOLDER_EMAILS


def links_as_mobile(canonical: str | None) -> bool:
    return (
        canonical is not None
        and canonical not in JUNK_MOBILES
        and len(canonical) == 11
        and canonical.startswith("07")
        and canonical.isdigit()
    )


def nhs_warning(canonical: str | None) -> str | None:
    """The finding an NHS number value raises, if any."""
    if canonical is None:
        return None
    if canonical in JUNK_NHS_NUMBERS:
        return "junk_nhs_number"
    return None if passes_modulus_11(canonical) else "invalid_nhs_number"
