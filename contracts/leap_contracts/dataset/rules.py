"""Row rules of the standard dataset: parse one row into a ValidatedRecord or say what is wrong.

Errors reject the row; warnings keep it (the value simply won't act as an
identifier). Messages name the column and how to fix the problem, never the
value, so they are safe to show anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from leap_contracts.dataset.columns import Header
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


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY``; raises ValueError otherwise."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    if len(text) == 10 and text[2] == "/" and text[5] == "/":
        return date(int(text[6:10]), int(text[3:5]), int(text[0:2]))
    raise ValueError(text)


class RowValidator:
    """Validates rows of one file, given its header."""

    def __init__(self, header: Header) -> None:
        self._positions = header.positions

    def validate(self, row_number: int, cells: list[str]) -> tuple[ValidatedRecord | None, list[RowProblem]]:
        values = {c: (cells[i].strip() if i < len(cells) else "") for c, i in self._positions.items()}
        problems: list[RowProblem] = []

        def error(column: str, code: str, message: str) -> None:
            problems.append(RowProblem(row_number, column, code, "error", message))

        prid = values.get("provider_record_id", "")
        if not prid:
            error("provider_record_id", "missing_value", "provider_record_id is required: give the provider's own id for this person")
        elif len(prid) > 64:
            error("provider_record_id", "too_long", "provider_record_id must be at most 64 characters")

        btype = _BENEFICIARY_TYPES.get(values.get("beneficiary_type", "").lower())
        if btype is None:
            error("beneficiary_type", "invalid_value", "beneficiary_type must be child or adult (or parent, carer, pregnant woman)")

        engagement = self._date(values, "engagement_date", error, required=True)
        dob = self._date(values, "date_of_birth", error, required=btype == "child")

        gender = None
        if values.get("gender"):
            try:
                gender = normalise_gender(values["gender"])
            except NormalisationFinding as finding:
                error("gender", finding.code, str(finding))
        elif btype == "child":
            error("gender", "missing_value", "gender is required for child rows (female, male, other, unknown or F/M/O/U)")

        if btype == "child" and not values.get("first_name"):
            error("first_name", "missing_value", "first_name is required for child rows")

        attended = _ATTENDED.get(values.get("attended", "").lower())
        if attended is None:
            error("attended", "invalid_value", "attended must be yes/no, true/false or 1/0 (blank means yes)")

        for column, check in _WARN_CHECKS:
            if values.get(column):
                try:
                    check(values[column])
                except NormalisationFinding as finding:
                    problems.append(RowProblem(row_number, column, finding.code, "warning",
                                               f"{finding}; the row is kept but this {column} will not link records"))

        if any(p.severity == "error" for p in problems):
            return None, problems
        record = ValidatedRecord(
            row_number=row_number,
            provider_record_id=prid,
            beneficiary_type=btype,
            nhs_number=values.get("nhs_number") or None,
            first_name=values.get("first_name") or None,
            date_of_birth=dob,
            gender=gender,
            email=values.get("email") or None,
            mobile=values.get("mobile") or None,
            primary_carer_email=values.get("primary_carer_email") or None,
            primary_carer_mobile=values.get("primary_carer_mobile") or None,
            postcode=values.get("postcode") or None,
            ethnicity=values.get("ethnicity") or None,
            first_language=values.get("first_language") or None,
            engagement_date=engagement,
            engagement_type=values.get("engagement_type") or None,
            attended=attended,
        )
        return record, problems

    @staticmethod
    def _date(values: dict[str, str], column: str, error, *, required: bool) -> date | None:
        text = values.get(column, "")
        if not text:
            if required:
                error(column, "missing_value", f"{column} is required: use YYYY-MM-DD or DD/MM/YYYY")
            return None
        try:
            return parse_date(text)
        except ValueError:
            error(column, "invalid_date", f"{column} is not a real date in YYYY-MM-DD or DD/MM/YYYY form")
            return None
