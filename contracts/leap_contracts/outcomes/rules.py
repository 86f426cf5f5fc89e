"""Row rules of the outcomes dataset: one row of an outcome extract to a ValidatedRecord carrying its outcome.

Errors reject the row; warnings keep it. Messages name the column and how to fix it, never the value.
An outcome record is always about a child: it travels as a child record whose ``engagement_date`` is the
day of the measurement and whose ``outcome`` says which measure, when and what result.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal, TypeAlias

from leap_contracts.dataset.rules import _INVALID, RowProblem, _construct, _Memo, parse_date
from leap_contracts.events import OutcomeValue, ValidatedRecord
from leap_contracts.outcomes.catalogue import MEASURES, Measure
from leap_contracts.outcomes.columns import OUTCOME_COLUMNS, OutcomeHeader
from leap_contracts.pseudonymisation.normalise import (
    NormalisationFinding,
    normalise_email,
    normalise_gender,
    normalise_mobile,
    normalise_nhs_number,
    normalise_postcode,
)

_WARN_CHECKS = (
    ("nhs_number", normalise_nhs_number),
    ("primary_carer_email", normalise_email),
    ("primary_carer_mobile", normalise_mobile),
    ("postcode", normalise_postcode),
)
ErrorSink: TypeAlias = Callable[[str, str, str, str | None], None]
"""Told of each error: (column, code, message, the offending value or None)."""
_NO_LINK = ("the row has neither a usable NHS number nor a complete child key (primary_carer_email, "
            "date_of_birth, gender, first_name); it is kept but links to no one and counts in no figure")


def age_in_months(born: date, on: date) -> int:
    """Whole months from ``born`` to ``on``."""
    months = (on.year - born.year) * 12 + on.month - born.month
    return months - (on.day < born.day)


class OutcomeRowValidator:
    """Validates the rows of one outcome extract from ``source`` (an outcome source code).

    Hot path (a whole area's extract): a row with no problem at all is read with memoised checks and built
    without re-validation (``_clean``); any other row takes the rules below (``_checked``), which name every
    problem. The two agree on every row (tested on the generator's extracts)."""

    def __init__(self, header: OutcomeHeader, source: str) -> None:
        self._source = source
        blank = max(header.positions.values(), default=-1) + 1
        self._width = blank
        self._index = tuple(header.positions.get(c, blank) for c in OUTCOME_COLUMNS)
        self._dates = _Memo(parse_date)
        self._genders = _Memo(normalise_gender)
        self._checks = {column: _Memo(check) for column, check in _WARN_CHECKS}
        self._results: dict[tuple[str, str], tuple[Measure, str, bool] | Literal[False]] = {}

    def validate(self, row_number: int, cells: list[str]) -> tuple[ValidatedRecord | None, list[RowProblem]]:
        clean = self._clean(row_number, cells)
        return (clean, []) if clean is not None else self._checked(row_number, cells)

    def _clean(self, row_number: int, cells: list[str]) -> ValidatedRecord | None:
        """The record of a row without any problem (error or warning); None for any other row."""
        width = self._width
        row = [*cells[:width], *([""] * (width + 1 - min(len(cells), width)))]
        (prid, nhs, first, _last, dob_text, gender_text, carer_email, carer_mobile, postcode, measure_text,
         measured_text, result_text) = [row[i].strip() for i in self._index]
        if not prid or len(prid) > 64 or not dob_text or not measured_text:
            return None
        born, measured = self._dates[dob_text], self._dates[measured_text]
        if born is _INVALID or measured is _INVALID or measured < born:
            return None
        gender = None
        if gender_text:
            gender = self._genders[gender_text]
            if isinstance(gender, NormalisationFinding):
                return None
        checks = self._checks
        for column, text in (("nhs_number", nhs), ("primary_carer_email", carer_email),
                             ("primary_carer_mobile", carer_mobile), ("postcode", postcode)):
            if text:
                found = checks[column][text]
                if found is _INVALID or isinstance(found, NormalisationFinding):
                    return None
        if not nhs and not (carer_email and first and gender_text):
            return None
        read = self._results.get((measure_text, result_text))
        if read is None:
            if len(self._results) > 100_000:
                self._results.clear()
            read = self._results[(measure_text, result_text)] = self._read(measure_text, result_text)
        if read is False:
            return None
        measure, canonical, positive = read
        low, high = measure.age_months
        if not low <= age_in_months(born, measured) < high:
            return None
        return _construct({
            "row_number": row_number, "provider_record_id": prid, "beneficiary_type": "child",
            "nhs_number": nhs or None, "first_name": first or None, "date_of_birth": born, "gender": gender,
            "email": None, "mobile": None, "primary_carer_email": carer_email or None,
            "primary_carer_mobile": carer_mobile or None, "postcode": postcode or None, "ethnicity": None,
            "first_language": None, "engagement_date": measured, "engagement_type": None, "attended": True,
            "outcome": OutcomeValue.model_construct(measure=measure.code, measured_on=measured, result=canonical,
                                                    positive=positive),
        })

    def _read(self, measure_text: str, result_text: str) -> tuple[Measure, str, bool] | Literal[False]:
        """(measure, canonical result, positive), or False when either would be an error."""
        ok = True

        def refuse(*_args: object) -> None:
            nonlocal ok
            ok = False
        measure = find_measure(measure_text, self._source, refuse)
        read = read_result(measure, result_text, refuse) if measure is not None else None
        return (measure, *read) if ok and measure is not None and read is not None else False

    def _checked(self, row_number: int, cells: list[str]) -> tuple[ValidatedRecord | None, list[RowProblem]]:
        padded = [*cells[:self._width], *([""] * (self._width + 1 - min(len(cells), self._width)))]
        v = dict(zip(OUTCOME_COLUMNS, (padded[i].strip() for i in self._index), strict=True))
        problems: list[RowProblem] = []
        error = _errors_to(problems, row_number)

        prid = v["provider_record_id"]
        if not prid:
            error("provider_record_id", "missing_value", "provider_record_id is required: give the source's own id "
                  "for this child", None)
        elif len(prid) > 64:
            error("provider_record_id", "too_long", "provider_record_id must be at most 64 characters", prid)
        born = _date(v, "date_of_birth", error)
        measured = _date(v, "measured_on", error)
        if born and measured and measured < born:
            error("measured_on", "before_birth", "measured_on is before date_of_birth: check both dates", v["measured_on"])
            measured = None
        gender = None
        if v["gender"]:
            try:
                gender = normalise_gender(v["gender"])
            except NormalisationFinding as finding:
                error("gender", finding.code, str(finding), v["gender"])
        measure = find_measure(v["measure"], self._source, error)
        result = read_result(measure, v["result"], error) if measure is not None else None
        if any(p.severity == "error" for p in problems):
            return None, problems
        assert measure is not None and result is not None and measured is not None  # each None only with an error

        _warn_identifiers(problems, row_number, v)
        if born and measured and not measure.age_months[0] <= age_in_months(born, measured) < measure.age_months[1]:
            low, high = measure.age_months
            problems.append(RowProblem(row_number, "measured_on", "age_outside_window", "warning",
                                       f"the child's age at measured_on is outside {low}-{high - 1} months expected "
                                       f"for {measure.code}; the row is kept", v["measured_on"]))
        canonical, positive = result
        record = ValidatedRecord(
            row_number=row_number, provider_record_id=prid, beneficiary_type="child",
            nhs_number=v["nhs_number"] or None, first_name=v["first_name"] or None, date_of_birth=born,
            gender=gender, primary_carer_email=v["primary_carer_email"] or None,
            primary_carer_mobile=v["primary_carer_mobile"] or None, postcode=v["postcode"] or None,
            engagement_date=measured, attended=True,
            outcome=OutcomeValue(measure=measure.code, measured_on=measured, result=canonical, positive=positive),
        )
        return record, problems


def _errors_to(problems: list[RowProblem], row: int) -> ErrorSink:
    def error(column: str, code: str, message: str, value: str | None) -> None:
        problems.append(RowProblem(row, column, code, "error", message, value or None))
    return error


def _date(v: dict[str, str], column: str, error: ErrorSink) -> date | None:
    text = v[column]
    if not text:
        error(column, "missing_value", f"{column} is required: use YYYY-MM-DD or DD/MM/YYYY", None)
        return None
    try:
        return parse_date(text)
    except ValueError:
        error(column, "invalid_date", f"{column} is not a real date in YYYY-MM-DD or DD/MM/YYYY form", text)
        return None


def _warn_identifiers(problems: list[RowProblem], row: int, v: dict[str, str]) -> None:
    usable: set[str] = set()
    for column, check in _WARN_CHECKS:
        text = v[column]
        if not text:
            continue
        try:
            check(text)
            usable.add(column)
        except NormalisationFinding as finding:
            problems.append(RowProblem(row, column, finding.code, "warning",
                                       f"{finding}; the row is kept but this {column} will not link records", text))
        except ValueError:
            problems.append(RowProblem(row, column, "invalid_value", "warning",
                                       f"this {column} cannot be read; the row is kept but it will not link", text))
    child_key = "primary_carer_email" in usable and v["first_name"] and v["gender"]
    if "nhs_number" not in usable and not child_key:
        problems.append(RowProblem(row, None, "no_linking_identifier", "warning", _NO_LINK))


def find_measure(text: str, source: str, error: ErrorSink) -> Measure | None:
    """The catalogue's measure a row names, if an extract of ``source`` may carry it (else ``error`` says why)."""
    code = text.strip().lower()
    if not code:
        error("measure", "missing_value", "measure is required: give a measure code of the outcomes catalogue", None)
        return None
    measure = MEASURES.get(code)
    if measure is None:
        error("measure", "unknown_measure", "measure is not in the outcomes catalogue: use a code such as "
              "asq3_communication or eyfsp_gld (docs/outcomes-dataset.md)", text)
    elif measure.derived:
        error("measure", "derived_measure", f"{measure.code} is derived by the platform from "
              f"{', '.join(measure.all_of)}: send those instead", text)
    elif measure.source != source:
        error("measure", "wrong_source", f"{measure.code} comes from source {measure.source}, not "
              f"{source}: upload it in an extract of {measure.source}", text)
    else:
        return measure
    return None


def read_result(measure: Measure, text: str, error: ErrorSink) -> tuple[str, bool] | None:
    """(canonical result, positive) on the measure's scale, or None (``error`` says what is accepted)."""
    scale = measure.scale
    assert scale is not None, f"{measure.code} is derived: find_measure never gives it"
    if not text:
        error("result", "missing_value", f"result is required: for {measure.code} give {scale.describe()}",
              None)
        return None
    try:
        return scale.read(text)
    except ValueError as accepted:
        error("result", "invalid_value", f"result for {measure.code} must be {accepted}", text)
        return None
