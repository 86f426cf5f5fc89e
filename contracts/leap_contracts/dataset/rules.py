"""Row rules of the standard dataset: parse one row into a ValidatedRecord or say what is wrong.

Errors reject the row; warnings keep it (the value simply won't act as an
identifier). Messages name the column and how to fix the problem, never the
value, so they are safe to show anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from leap_contracts.dataset.columns import COLUMNS, Header
from leap_contracts.events import ValidatedRecord
from leap_contracts.pseudonymisation.normalise import (
    NormalisationFinding,
    normalise_email,
    normalise_gender,
    normalise_mobile,
    normalise_nhs_number,
    normalise_postcode,
)

_BENEFICIARY_TYPES = {"child": "child", "adult": "adult", "parent": "adult", "carer": "adult",
                      "pregnant woman": "adult"}
_ATTENDED = {"": True, "yes": True, "y": True, "true": True, "1": True,
             "no": False, "n": False, "false": False, "0": False}
_WARN_CHECKS = (
    ("nhs_number", normalise_nhs_number),
    ("email", normalise_email),
    ("mobile", normalise_mobile),
    ("primary_carer_email", normalise_email),
    ("primary_carer_mobile", normalise_mobile),
    ("postcode", normalise_postcode),
)


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str | None
    code: str
    severity: Literal["error", "warning"]
    message: str
    value: str | None = None
    """The offending cell (restricted: shown only to the uploading provider's own users, never logged)."""


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY``; raises ValueError otherwise."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    if len(text) == 10 and text[2] == "/" and text[5] == "/":
        return date(int(text[6:10]), int(text[3:5]), int(text[0:2]))
    raise ValueError(text)


_CACHE_LIMIT = 200_000
_INVALID = object()


class _Memo(dict[str, Any]):
    """value -> result of a pure check, bounded (cleared when full): files repeat dates, postcodes, e-mails.
    A value is the check's result, or the NormalisationFinding it raised, or ``_INVALID`` (a ValueError)."""

    def __init__(self, check: Callable[[str], object]) -> None:
        super().__init__()
        self._check = check

    def __missing__(self, key: str) -> Any:
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        try:
            result = self._check(key)
        except (ValueError, NormalisationFinding) as exc:
            result = exc if isinstance(exc, NormalisationFinding) else _INVALID
        self[key] = result
        return result


_ALL_FIELDS = frozenset(ValidatedRecord.model_fields)


def _construct(data: dict[str, object]) -> ValidatedRecord:
    """What ``model_construct`` does for a record with every field given, without its per-call overhead.
    Only for values these rules have already validated."""
    record = object.__new__(ValidatedRecord)
    _set(record, "__dict__", data)
    _set(record, "__pydantic_fields_set__", set(_ALL_FIELDS))
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    return record


_set = object.__setattr__
_PRID_MISSING = "provider_record_id is required: give the provider's own id for this person"
_PRID_TOO_LONG = "provider_record_id must be at most 64 characters"
_BTYPE_INVALID = "beneficiary_type must be child or adult (or parent, carer, pregnant woman)"
_GENDER_MISSING = "gender is required for child rows (female, male, other, unknown or F/M/O/U)"
_FIRST_NAME_MISSING = "first_name is required for child rows"
_ATTENDED_INVALID = "attended must be yes/no, true/false or 1/0 (blank means yes)"


class RowValidator:
    """Validates rows of one file, given its header.

    Hot path (a million rows a file): every column's position is resolved once
    (an absent column reads a blank cell appended to the row), pure checks are
    memoised per file, and records are built from values these rules have
    already validated, without re-validating them.
    """

    def __init__(self, header: Header) -> None:
        self._positions = header.positions
        self._width = max(header.positions.values(), default=-1) + 1
        blank = self._width  # the blank cell appended to every row
        self._index = tuple(header.positions.get(c, blank) for c in COLUMNS)
        self._dates = _Memo(parse_date)
        self._genders = _Memo(normalise_gender)
        self._warn_checks = tuple((column, COLUMNS.index(column), _Memo(check))
                                  for column, check in _WARN_CHECKS if column in header.positions)

    def validate(self, row_number: int, cells: list[str]) -> tuple[ValidatedRecord | None, list[RowProblem]]:
        width = self._width
        row = cells[:width] + [""] * (width + 1 - min(len(cells), width)) if len(cells) != width else [*cells, ""]
        values = [row[i].strip() for i in self._index]
        (prid, btype_text, nhs, first_name, _last_name, dob_text, gender_text, email, mobile, carer_email,
         carer_mobile, postcode, ethnicity, first_language, engagement_text, engagement_type, attended_text) = values
        problems: list[RowProblem] = []

        if not prid:
            problems.append(_error(row_number, "provider_record_id", "missing_value", _PRID_MISSING, None))
        elif len(prid) > 64:
            problems.append(_error(row_number, "provider_record_id", "too_long", _PRID_TOO_LONG, prid))

        btype = _BENEFICIARY_TYPES.get(btype_text.lower())
        if btype is None:
            problems.append(_error(row_number, "beneficiary_type", "invalid_value", _BTYPE_INVALID, btype_text))
        child = btype == "child"

        dates = self._dates
        engagement = dates[engagement_text] if engagement_text else None
        if engagement is None or engagement is _INVALID:
            problems.append(_date_problem(row_number, "engagement_date", engagement_text))
            engagement = None
        dob = dates[dob_text] if dob_text else None
        if dob is _INVALID or (dob is None and child):
            problems.append(_date_problem(row_number, "date_of_birth", dob_text))
            dob = None

        gender = None
        if gender_text:
            gender = self._genders[gender_text]
            if isinstance(gender, NormalisationFinding):
                problems.append(_error(row_number, "gender", gender.code, str(gender), gender_text))
                gender = None
        elif child:
            problems.append(_error(row_number, "gender", "missing_value", _GENDER_MISSING, None))

        if child and not first_name:
            problems.append(_error(row_number, "first_name", "missing_value", _FIRST_NAME_MISSING, None))

        attended = _ATTENDED.get(attended_text.lower())
        if attended is None:
            problems.append(_error(row_number, "attended", "invalid_value", _ATTENDED_INVALID, attended_text))

        for column, at, memo in self._warn_checks:
            text = values[at]
            if text:
                finding = memo[text]
                if isinstance(finding, NormalisationFinding):
                    problems.append(RowProblem(row_number, column, finding.code, "warning",
                                               f"{finding}; the row is kept but this {column} will not link records",
                                               text))

        if problems and any(p.severity == "error" for p in problems):
            return None, problems
        return _construct({
            "row_number": row_number, "provider_record_id": prid, "beneficiary_type": btype,
            "nhs_number": nhs or None, "first_name": first_name or None, "date_of_birth": dob, "gender": gender,
            "email": email or None, "mobile": mobile or None, "primary_carer_email": carer_email or None,
            "primary_carer_mobile": carer_mobile or None, "postcode": postcode or None,
            "ethnicity": ethnicity or None, "first_language": first_language or None,
            "engagement_date": engagement, "engagement_type": engagement_type or None, "attended": attended,
            "outcome": None,
        }), problems


def _error(row: int, column: str, code: str, message: str, value: str | None) -> RowProblem:
    return RowProblem(row, column, code, "error", message, value or None)


def _date_problem(row: int, column: str, text: str) -> RowProblem:
    if not text:
        return _error(row, column, "missing_value", f"{column} is required: use YYYY-MM-DD or DD/MM/YYYY", None)
    return _error(row, column, "invalid_date", f"{column} is not a real date in YYYY-MM-DD or DD/MM/YYYY form", text)
