"""A file pseudonymised at source: its columns, its row rules and its manifest.

The at-source tool (``leap-pseudonymise``) writes a UTF-8 CSV with the columns
below (tokens plus non-identifying fields, never a clear identifier) and a JSON
manifest beside it (``<file>.manifest.json``). The uploader reads the header
with :func:`read_at_source_header`, each row with :class:`AtSourceRowValidator`
(which gives the :class:`~leap_contracts.events.PseudonymisedRecord` the
at-source event carries), and checks the file against the manifest with
:func:`check_manifest`. Messages name the row and column, never a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from leap_contracts.dataset.columns import HeaderProblem
from leap_contracts.dataset.rules import RowProblem, parse_date
from leap_contracts.events import CarerTokens, IdentifierTokens, MatchKeyTokens, OutcomeValue, PseudonymisedRecord
from leap_contracts.events.base import BeneficiaryType, Gender
from leap_contracts.pseudonymisation.match_keys import MATCH_KEYS

FORMAT: Final = "leap-at-source"
FORMAT_VERSION = 1

TOKEN_COLUMNS: dict[str, tuple[str, str]] = {
    "provider_record_token": ("tokens", "provider_record_id"),
    "nhs_number_token": ("tokens", "nhs_number"),
    "child_key_token": ("tokens", "child_key"),
    "email_token": ("tokens", "email"),
    "mobile_token": ("tokens", "mobile"),
    "carer_email_token": ("carer_tokens", "email"),
    "carer_mobile_token": ("carer_tokens", "mobile"),
}
"""At-source column -> (token group, identifier) in the PseudonymisedRecord."""

AT_SOURCE_COLUMNS: tuple[str, ...] = (
    "provider_record_token",
    "beneficiary_type",
    "nhs_number_token",
    "child_key_token",
    "email_token",
    "mobile_token",
    "carer_email_token",
    "carer_mobile_token",
    "birth_month",
    "gender",
    "ward_code",
    "ward_name",
    "postcode_district",
    "ethnicity",
    "first_language",
    "engagement_date",
    "engagement_type",
    "attended",
    "findings",
)
"""Every column, in the order the tool writes them (readers match names, not order)."""

OUTCOME_COLUMNS: tuple[str, ...] = ("measure", "result")
"""Written after AT_SOURCE_COLUMNS for an outcome extract (docs/outcomes-dataset.md): the measurement itself;
its day is the row's engagement_date."""

MATCH_KEY_COLUMNS: tuple[str, ...] = tuple(f"{key}_token" for key in MATCH_KEYS)
"""Written after AT_SOURCE_COLUMNS for a services file: the row's match keys (docs/pseudonymisation-spec.md
3a), for tolerant linkage. Optional: files of earlier tool versions lack them."""

REQUIRED_AT_SOURCE_COLUMNS = ("provider_record_token", "beneficiary_type", "engagement_date")

CLEAR_IDENTIFIER_COLUMNS: frozenset[str] = frozenset({
    "nhs_number", "first_name", "last_name", "date_of_birth", "email", "mobile",
    "primary_carer_email", "primary_carer_mobile", "postcode", "provider_record_id",
})
"""Standard columns that must never appear in an at-source file."""

_TOKEN = re.compile(r"^[0-9a-f]{64}$")
_BIRTH_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_FINDING = re.compile(r"^[a-z0-9_]+$")
_LOOKS_IDENTIFYING = re.compile(r"@|\d{10}")
FREE_TEXT_COLUMNS = ("ward_code", "ward_name", "ethnicity", "first_language", "engagement_type")
"""Columns passed through as written; they must not look like an e-mail or a phone/NHS number."""


def looks_identifying(text: str) -> bool:
    """True when free text holds an '@' or ten digits in a row (spaces, hyphens and dots ignored)."""
    return bool(text) and _LOOKS_IDENTIFYING.search(text.replace(" ", "").replace("-", "").replace(".", "")) is not None
_BENEFICIARY_TYPES: dict[str, BeneficiaryType] = {"child": "child", "adult": "adult"}
_GENDERS: dict[str, Gender] = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
_ATTENDED = {"": True, "true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


@dataclass(frozen=True)
class AtSourceHeader:
    positions: dict[str, int]


def read_at_source_header(cells: list[str]) -> AtSourceHeader:
    """Match names case-insensitively; refuse clear identifier columns and unknown columns."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = cell.replace("\ufeff", "").strip().lower()
        if not name:
            continue
        if name in CLEAR_IDENTIFIER_COLUMNS:
            raise HeaderProblem(f"column {index + 1} '{name}' holds a clear identifier; an at-source file "
                                "must carry only the tokens the leap-pseudonymise tool writes")
        if name not in AT_SOURCE_COLUMNS and name not in OUTCOME_COLUMNS and name not in MATCH_KEY_COLUMNS:
            raise HeaderProblem(f"column {index + 1} is not an at-source column (expected: "
                                + ", ".join(AT_SOURCE_COLUMNS) + ")")
        if name in positions:
            raise HeaderProblem(f"column '{name}' appears twice in the header")
        positions[name] = index
    missing = [c for c in REQUIRED_AT_SOURCE_COLUMNS if c not in positions]
    if missing:
        raise HeaderProblem("the header lacks required at-source column(s) " + ", ".join(missing))
    return AtSourceHeader(positions)


class AtSourceRowValidator:
    """Parses rows of one at-source file into PseudonymisedRecords, or says what is wrong."""

    def __init__(self, header: AtSourceHeader, dataset: str = "services", source: str | None = None) -> None:
        """``dataset`` outcomes: every row carries a measurement of ``source`` (OUTCOME_COLUMNS)."""
        self._positions = header.positions
        self._outcomes = dataset == "outcomes"
        self._source = source

    def validate(self, row_number: int, cells: list[str]) -> tuple[PseudonymisedRecord | None, list[RowProblem]]:
        values = {c: (cells[i].strip() if i < len(cells) else "") for c, i in self._positions.items()}
        problems: list[RowProblem] = []

        def error(column: str, code: str, message: str) -> None:
            problems.append(RowProblem(row_number, column, code, "error", message))

        groups: dict[str, dict[str, str | None]] = {"tokens": {}, "carer_tokens": {}}
        for column, (group, identifier) in TOKEN_COLUMNS.items():
            token = values.get(column, "")
            if token and not _TOKEN.match(token):
                error(column, "invalid_token", f"{column} must be a token of 64 lower-case hex characters")
            groups[group][identifier] = token if token and _TOKEN.match(token) else None
        if not values.get("provider_record_token"):
            error("provider_record_token", "missing_value", "provider_record_token is required on every row")
        keys: dict[str, str | None] = {}
        for column, key in zip(MATCH_KEY_COLUMNS, MATCH_KEYS, strict=True):
            token = values.get(column, "")
            if token and not _TOKEN.match(token):
                error(column, "invalid_token", f"{column} must be a token of 64 lower-case hex characters")
            keys[key] = token if token and _TOKEN.match(token) else None

        btype = _BENEFICIARY_TYPES.get(values.get("beneficiary_type", "").lower())
        if btype is None:
            error("beneficiary_type", "invalid_value", "beneficiary_type must be child or adult")
        birth_month = values.get("birth_month") or None
        if birth_month and not _BIRTH_MONTH.match(birth_month):
            error("birth_month", "invalid_value", "birth_month must be YYYY-MM")
        gender_text = values.get("gender", "").lower()
        gender = _GENDERS.get(gender_text)
        if gender_text and gender is None:
            error("gender", "invalid_value", "gender must be female, male, other or unknown")
        district = values.get("postcode_district", "").upper() or None
        if district and not _DISTRICT.match(district):
            error("postcode_district", "invalid_value", "postcode_district must be an outward code such as SW9")
        for column in FREE_TEXT_COLUMNS:
            if looks_identifying(values.get(column, "")):
                error(column, "looks_identifying", f"{column} looks like an e-mail or a phone/NHS number; remove it")
        engagement = _date(values.get("engagement_date", ""))
        if engagement is None:
            error("engagement_date", "invalid_date", "engagement_date must be a real date, YYYY-MM-DD")
        attended = _ATTENDED.get(values.get("attended", "").lower())
        if attended is None:
            error("attended", "invalid_value", "attended must be true or false")
        findings = [f for f in values.get("findings", "").split(";") if f]
        if any(not _FINDING.match(f) for f in findings):
            error("findings", "invalid_value", "findings must be finding codes separated by ';'")

        outcome = self._outcome(values, engagement, error)
        if problems:
            return None, problems
        assert btype is not None and engagement is not None and attended is not None  # each None only with a problem
        return PseudonymisedRecord(
            row_number=row_number,
            beneficiary_type=btype,
            tokens=IdentifierTokens(**groups["tokens"]),
            carer_tokens=CarerTokens(**groups["carer_tokens"]),
            birth_month=birth_month,
            gender=gender,
            ward_code=values.get("ward_code") or None,
            ward_name=values.get("ward_name") or None,
            postcode_district=district,
            ethnicity=values.get("ethnicity") or None,
            first_language=values.get("first_language") or None,
            engagement_date=engagement,
            engagement_type=values.get("engagement_type") or None,
            attended=attended,
            findings=findings,
            outcome=outcome,
            match_keys=MatchKeyTokens(**keys) if any(c in self._positions for c in MATCH_KEY_COLUMNS) else None,
        ), problems

    def _outcome(self, values: dict[str, str], measured: date | None,
                 error: Callable[[str, str, str], None]) -> OutcomeValue | None:
        if not self._outcomes:
            for column in OUTCOME_COLUMNS:
                if values.get(column):
                    error(column, "not_services", f"{column} belongs to an outcome extract: send it with "
                          "dataset=outcomes")
            return None
        from leap_contracts.outcomes.rules import find_measure, read_result

        def named(column: str, code: str, message: str, _value: str | None) -> None:
            error(column, code, message)
        measure = find_measure(values.get("measure", ""), self._source or "", named)
        result = read_result(measure, values.get("result", ""), named) if measure else None
        if measure is None or result is None or measured is None:
            return None
        return OutcomeValue(measure=measure.code, measured_on=measured, result=result[0], positive=result[1])


def _date(text: str) -> date | None:
    try:
        return parse_date(text) if text else None
    except ValueError:
        return None


class FindingCount(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str
    column: str | None = None
    rows: int = Field(ge=0)


class AtSourceManifest(BaseModel):
    """Written beside the pseudonymised file (``<file>.manifest.json``); the uploader checks it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["leap-at-source"] = FORMAT
    format_version: int = FORMAT_VERSION
    spec_version: str = Field(description="Pseudonymisation spec version the tokens follow.")
    key_id: str = Field(min_length=1)
    key_check_value: str = Field(pattern=r"^[0-9a-f]{12}$")
    service_code: str = Field(min_length=1, description="Service code the provider_record tokens were made with.")
    file_name: str
    row_count: int = Field(ge=0, description="Data rows in the pseudonymised file (header excluded).")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the pseudonymised file's bytes.")
    rows_read: int = Field(ge=0)
    rows_rejected: int = Field(ge=0, description="Source rows not written (they failed the dataset's rules).")
    findings: list[FindingCount] = Field(default_factory=list)
    tool_version: str
    created_at: datetime


def manifest_name(file_name: str) -> str:
    return f"{file_name}.manifest.json"


def check_manifest(manifest: AtSourceManifest, *, sha256: str, row_count: int, service_code: str) -> list[str]:
    """What does not agree between a manifest and the file it came with (empty when all agrees)."""
    problems = []
    if manifest.sha256 != sha256:
        problems.append("the file's SHA-256 differs from the manifest's: the file was changed or truncated")
    if manifest.row_count != row_count:
        problems.append(f"the file has {row_count} data rows but the manifest says {manifest.row_count}")
    if manifest.service_code != service_code:
        problems.append(f"the file was pseudonymised for service {manifest.service_code}, not {service_code}")
    return problems
