"""A provider's layout mapped onto the standard dataset, applied to rows before the standard rules.

A mapping (stored as JSON, versioned per provider and service) says:

- ``renames``: the provider's header name -> standard column (matched ignoring case and spaces);
- ``value_maps``: per standard column, the provider's code -> the standard value (e.g. gender 1 -> male);
- ``date_formats``: per standard column, a ``strptime`` format (e.g. ``%d.%m.%Y``), rewritten to YYYY-MM-DD;
- ``constants``: standard column -> a value every row gets (when the file has no such column, or it is blank);
- ``fill_from``: standard column -> another header of the file, used when the column is blank
  (e.g. a contact date taken from a referral date);
- ``beneficiary_type_from_dob``: when set, a blank beneficiary type becomes ``child`` for rows whose
  date of birth is less than this many years before the engagement date, else ``adult``;
- ``sheet``: the XLSX sheet to read (the first one when absent).

Pure: rows in, rows out; a value that does not parse is passed on unchanged, so the standard
rules report it with its row and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from leap_contracts.dataset import COLUMNS as SERVICE_COLUMNS
from leap_contracts.outcomes import OUTCOME_COLUMNS

COLUMNS = frozenset(SERVICE_COLUMNS) | frozenset(OUTCOME_COLUMNS)
"""Columns a mapping may produce: the standard dataset's, and the outcomes dataset's (docs/outcomes-dataset.md)."""

Rows = Iterator[tuple[int, list[str]]]


def _key(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower()


def _standard(column: str) -> str:
    name = _key(column)
    if name not in COLUMNS:
        raise ValueError(f"'{column}' is not a column of the standard dataset (nor of the outcomes dataset)")
    return name


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    renames: dict[str, str] = Field(default_factory=dict)
    value_maps: dict[str, dict[str, str]] = Field(default_factory=dict)
    date_formats: dict[str, str] = Field(default_factory=dict)
    constants: dict[str, str] = Field(default_factory=dict)
    fill_from: dict[str, str] = Field(default_factory=dict)
    beneficiary_type_from_dob: int | None = Field(default=None, ge=1, le=120)
    sheet: str | None = None

    @field_validator("renames")
    @classmethod
    def _renames(cls, value: dict[str, str]) -> dict[str, str]:
        return {_key(k): _standard(v) for k, v in value.items()}

    @field_validator("value_maps")
    @classmethod
    def _value_maps(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        return {_standard(c): {_key(k): v for k, v in m.items()} for c, m in value.items()}

    @field_validator("date_formats")
    @classmethod
    def _date_formats(cls, value: dict[str, str]) -> dict[str, str]:
        out = {}
        for column, fmt in value.items():
            if "%" not in fmt:
                raise ValueError(f"date format '{fmt}' has no directives; use e.g. %d.%m.%Y")
            out[_standard(column)] = fmt
        return out

    @field_validator("constants")
    @classmethod
    def _constants(cls, value: dict[str, str]) -> dict[str, str]:
        return {_standard(c): v for c, v in value.items()}

    @field_validator("fill_from")
    @classmethod
    def _fill_from(cls, value: dict[str, str]) -> dict[str, str]:
        return {_standard(c): _key(source) for c, source in value.items()}

    @property
    def is_identity(self) -> bool:
        return self == IDENTITY


IDENTITY = Mapping()


def apply(mapping: Mapping, rows: Rows) -> Rows:
    """The file's rows with the header in standard names and values mapped; blank rows pass through."""
    rows = iter(rows)
    for number, cells in rows:
        if not "".join(cells).strip():
            yield number, cells
            continue
        header = _HeaderPlan(mapping, cells)
        yield number, header.standard_header
        break
    else:
        return
    transform = header.transform
    for number, cells in rows:
        yield number, transform(cells)


class _HeaderPlan:
    def __init__(self, mapping: Mapping, cells: list[str]) -> None:
        self.mapping = mapping
        names = [_key(c) for c in cells]
        self.source_index = {n: i for i, n in reversed(list(enumerate(names))) if n}
        standard = [mapping.renames.get(n, n) if n else "" for n in names]
        for i, (raw, name) in enumerate(zip(cells, standard)):  # unknown columns keep their own name
            if name not in COLUMNS:
                standard[i] = raw.strip()
        self.width = len(cells)
        extra = [c for c in (*mapping.constants, *mapping.fill_from) if c not in standard]
        if mapping.beneficiary_type_from_dob and "beneficiary_type" not in standard:
            extra.append("beneficiary_type")
        extra = list(dict.fromkeys(extra))
        self.standard_header = standard + extra
        self.position = {name: i for i, name in enumerate(self.standard_header) if name in COLUMNS}

    def transform(self, cells: list[str]) -> list[str]:
        m, pos = self.mapping, self.position
        out = cells[: self.width] + [""] * (len(self.standard_header) - min(len(cells), self.width))
        for column, source in m.fill_from.items():
            i, j = pos[column], self.source_index.get(source)
            if not out[i].strip() and j is not None and j < len(cells):
                out[i] = cells[j]
        for column, value in m.constants.items():
            if not out[pos[column]].strip():
                out[pos[column]] = value
        for column, codes in m.value_maps.items():
            at = pos.get(column)
            if at is not None and (mapped := codes.get(_key(out[at]))) is not None:
                out[at] = mapped
        for column, fmt in m.date_formats.items():
            at = pos.get(column)
            if at is not None and out[at].strip():
                out[at] = _reformat_date(out[at].strip(), fmt)
        if m.beneficiary_type_from_dob:
            i = pos["beneficiary_type"]
            if not out[i].strip():
                out[i] = _type_from_dob(out, pos, m.beneficiary_type_from_dob)
        return out


def _reformat_date(text: str, fmt: str) -> str:
    try:
        return datetime.strptime(text, fmt).date().isoformat()
    except ValueError:
        return text  # the standard rules report it (it may already be in a standard form)


def _iso(text: str) -> date | None:
    from leap_contracts.dataset.rules import parse_date
    try:
        return parse_date(text.strip())
    except ValueError:
        return None


def _type_from_dob(out: list[str], pos: dict[str, int], years: int) -> str:
    dob = _iso(out[pos["date_of_birth"]]) if "date_of_birth" in pos else None
    if dob is None:
        return "adult"
    when = (_iso(out[pos["engagement_date"]]) if "engagement_date" in pos else None) or date.today()
    age = when.year - dob.year - ((when.month, when.day) < (dob.month, dob.day))
    return "child" if age < years else "adult"
