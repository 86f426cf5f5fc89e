"""A cell's part of a ValidatedRecord's JSON, worked out once per distinct cell text.

Each column of the standard dataset gets a memo: raw cell text -> the JSON
fragment that cell contributes to the record (``,"email":"a@b.uk"``), or
``None`` when the value breaks a rule or earns a warning. A row whose every
fragment is known (and that passes the one cross-column rule: a child needs a
first name, a date of birth and a gender) is written straight to JSON; any
other row is left to the standard dataset's own ``RowValidator``, which names
the row, column and problem as it always has. Every decision here calls the
same rule functions, so a fragment exists only where the reference would
accept the value silently (property-tested against it).

Fragments are the bytes pydantic writes for the field, in the model's field
order; the last one (``attended``) closes the record (with ``outcome``, always null for a contact).
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic_core import to_json

from leap_contracts.dataset.rules import _ATTENDED, _BENEFICIARY_TYPES, parse_date
from leap_contracts.pseudonymisation.normalise import (
    NormalisationFinding,
    normalise_email,
    normalise_gender,
    normalise_mobile,
    normalise_nhs_number,
    normalise_postcode,
)

MEMO_LIMIT = 200_000
"""Distinct cells remembered per column; the memo is emptied when full, so memory stays bounded."""

Fragment = bytes | None


def _key(field: str) -> bytes:
    return b',"' + field.encode() + b'":'


class FragmentMemo(dict[str, Fragment]):
    """raw cell -> fragment, computed by ``make`` on first sight."""

    def __init__(self, make: Callable[[str], Fragment]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, cell: str) -> Fragment:
        if len(self) >= MEMO_LIMIT:
            self.clear()
        fragment = self[cell] = self._make(cell)
        return fragment


def optional_text(field: str) -> Callable[[str], bytes]:
    key, null = _key(field), _key(field) + b"null"

    def make(cell: str) -> bytes:
        text = cell.strip()
        return key + to_json(text) if text else null
    return make


def checked_text(field: str, check: Callable[[str], object]) -> Callable[[str], Fragment]:
    """An identifier the rules check for a warning: kept as written, unless the check finds a problem."""
    plain = optional_text(field)

    def make(cell: str) -> Fragment:
        text = cell.strip()
        if text:
            try:
                check(text)
            except NormalisationFinding:
                return None
            except ValueError:  # the reference ignores other refusals (no warning)
                pass
        return plain(cell)
    return make


def provider_record_id(cell: str) -> Fragment:
    text = cell.strip()
    if not text or len(text) > 64:
        return None
    return _key("provider_record_id") + to_json(text)


CHILD = _key("beneficiary_type") + b'"child"'
ADULT = _key("beneficiary_type") + b'"adult"'


def beneficiary_type(cell: str) -> Fragment:
    found = _BENEFICIARY_TYPES.get(cell.strip().lower())
    return None if found is None else CHILD if found == "child" else ADULT


NO_FIRST_NAME = _key("first_name") + b"null"
NO_DATE_OF_BIRTH = _key("date_of_birth") + b"null"
NO_GENDER = _key("gender") + b"null"
"""The blank fragments a child row may not have (identity-compared: each memo returns these objects)."""


def date_of_birth(cell: str) -> Fragment:
    text = cell.strip()
    if not text:
        return NO_DATE_OF_BIRTH
    return _date("date_of_birth", text)


def engagement_date(cell: str) -> Fragment:
    text = cell.strip()
    return _date("engagement_date", text) if text else None


def _date(field: str, text: str) -> Fragment:
    try:
        return _key(field) + to_json(parse_date(text))
    except ValueError:
        return None


def gender(cell: str) -> Fragment:
    text = cell.strip()
    if not text:
        return NO_GENDER
    try:
        return _key("gender") + to_json(normalise_gender(text))
    except NormalisationFinding:
        return None


def first_name(cell: str) -> bytes:
    text = cell.strip()
    return _key("first_name") + to_json(text) if text else NO_FIRST_NAME


def attended(cell: str) -> Fragment:
    found = _ATTENDED.get(cell.strip().lower())
    return None if found is None else _key("attended") + (_TRUE_CLOSE if found else _FALSE_CLOSE)


_TRUE_CLOSE, _FALSE_CLOSE = b'true,"outcome":null}', b'false,"outcome":null}'
"""``attended`` is the standard dataset's last field; ``outcome`` (outcome records only) is null here."""


FIELDS: tuple[tuple[str, Callable[[str], Fragment]], ...] = (
    ("provider_record_id", provider_record_id),
    ("beneficiary_type", beneficiary_type),
    ("nhs_number", checked_text("nhs_number", normalise_nhs_number)),
    ("first_name", first_name),
    ("date_of_birth", date_of_birth),
    ("gender", gender),
    ("email", checked_text("email", normalise_email)),
    ("mobile", checked_text("mobile", normalise_mobile)),
    ("primary_carer_email", checked_text("primary_carer_email", normalise_email)),
    ("primary_carer_mobile", checked_text("primary_carer_mobile", normalise_mobile)),
    ("postcode", checked_text("postcode", normalise_postcode)),
    ("ethnicity", optional_text("ethnicity")),
    ("first_language", optional_text("first_language")),
    ("engagement_date", engagement_date),
    ("engagement_type", optional_text("engagement_type")),
    ("attended", attended),
)
"""ValidatedRecord's fields after ``row_number``, in its order; each reads the standard column of its name."""
BENEFICIARY_TYPE, FIRST_NAME, DATE_OF_BIRTH, GENDER = 2, 4, 5, 6
"""Positions of the child rule's columns in a record's parts (its opening, then :data:`FIELDS`)."""


def row_starts(row_numbers: list[int]) -> list[bytes]:
    """Each record's opening: ``{"row_number":N``."""
    return [b'{"row_number":%d' % n for n in row_numbers]
