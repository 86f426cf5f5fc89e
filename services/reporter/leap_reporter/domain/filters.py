"""The reach question's filters: parsed and checked against the catalogue, no I/O.

Every problem is reported at once, each naming the query parameter, what was
wrong and what is accepted, so a dashboard or analyst can fix the request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from leap_contracts.catalogue import SERVICES, STRANDS, services_in_strand

from leap_reporter.domain.age import ALL_BANDS

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class FilterProblem:
    param: str
    message: str


class InvalidFilters(ValueError):
    def __init__(self, problems: list[FilterProblem]) -> None:
        super().__init__("; ".join(f"{p.param}: {p.message}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class ReachFilters:
    """A checked reach question. ``None`` means "not filtered on this"."""

    services: tuple[str, ...] | None = None  # as asked, canonical codes
    strand: str | None = None                # canonical catalogue name
    ward: str | None = None                  # as asked, trimmed; matched case-insensitively
    date_from: date | None = None
    date_to: date | None = None
    beneficiary_type: str | None = None      # person attributes (see leap_reporter.adapters.people)
    gender: str | None = None
    ethnicity: str | None = None
    age_band: str | None = None

    @property
    def by_person(self) -> bool:
        """True when a filter needs each person's attributes, not only their engagements."""
        return any((self.beneficiary_type, self.gender, self.ethnicity, self.age_band))

    @property
    def service_codes(self) -> tuple[str, ...] | None:
        """The services to count: the asked services, narrowed to the strand's (may be empty)."""
        if self.strand is None:
            return self.services
        in_strand = services_in_strand(self.strand)
        if self.services is None:
            return tuple(in_strand)
        return tuple(code for code in self.services if code in in_strand)

    def echo(self) -> dict[str, object]:
        """The filters as applied, for the response."""
        return {
            "service": list(self.services) if self.services is not None else None,
            "strand": self.strand,
            "ward": self.ward,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "beneficiary_type": self.beneficiary_type,
            "gender": self.gender,
            "ethnicity": self.ethnicity,
            "age_band": self.age_band,
        }


def parse_filters(
    *, service: Iterable[str] | None = None, strand: str | None = None, ward: str | None = None,
    date_from: str | None = None, date_to: str | None = None, beneficiary_type: str | None = None,
    gender: str | None = None, ethnicity: str | None = None, age_band: str | None = None,
) -> ReachFilters:
    """Check raw query values; blank values mean "not given". Raises :class:`InvalidFilters`."""
    problems: list[FilterProblem] = []
    services = _services(service, problems)
    canonical_strand = _strand(strand, problems)
    start = _date("from", date_from, problems)
    end = _date("to", date_to, problems)
    if start and end and start > end:
        problems.append(FilterProblem("from", f"'from' ({start}) is after 'to' ({end}); the range is inclusive"))
    kind = _choice("beneficiary_type", beneficiary_type, BENEFICIARY_TYPES, problems)
    sex = _choice("gender", gender, GENDERS, problems)
    band = _choice("age_band", age_band, ALL_BANDS, problems)
    if problems:
        raise InvalidFilters(problems)
    return ReachFilters(services, canonical_strand, (ward or "").strip() or None, start, end,
                        kind, sex, (ethnicity or "").strip() or None, band)


BENEFICIARY_TYPES = ("child", "adult")
GENDERS = ("female", "male", "other", "unknown")


def _choice(param: str, value: str | None, allowed: tuple[str, ...], problems: list[FilterProblem]) -> str | None:
    wanted = (value or "").strip()
    if not wanted:
        return None
    for option in allowed:
        if option.casefold() == wanted.casefold():
            return option
    problems.append(FilterProblem(param, f"unknown {param} '{wanted}'; use one of: {'; '.join(allowed)}"))
    return None


def _services(values: Iterable[str] | None, problems: list[FilterProblem]) -> tuple[str, ...] | None:
    """Repeatable and/or comma-separated service codes, case-insensitive."""
    codes: list[str] = []
    for value in values or ():
        for part in value.split(","):
            code = part.strip().upper()
            if code and code not in codes:
                codes.append(code)
    unknown = [c for c in codes if c not in SERVICES]
    if unknown:
        problems.append(FilterProblem(
            "service", f"unknown service code(s) {', '.join(unknown)}; known codes: {', '.join(SERVICES)}"
        ))
    return tuple(codes) or None


def _strand(value: str | None, problems: list[FilterProblem]) -> str | None:
    wanted = (value or "").strip()
    if not wanted:
        return None
    for name in STRANDS:
        if name.casefold() == wanted.casefold():
            return name
    problems.append(FilterProblem("strand", f"unknown strand '{wanted}'; known strands: {'; '.join(STRANDS)}"))
    return None


def _date(param: str, value: str | None, problems: list[FilterProblem]) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        if not _ISO_DATE.match(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        problems.append(FilterProblem(param, f"'{text}' is not a date; use YYYY-MM-DD, e.g. 2024-04-01"))
        return None
