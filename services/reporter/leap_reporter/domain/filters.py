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

    @property
    def service_codes(self) -> tuple[str, ...] | None:
        """The services to count: the asked services, narrowed to the strand's (may be empty)."""
        if self.strand is None:
            return self.services
        in_strand = services_in_strand(self.strand)
        if self.services is None:
            return tuple(in_strand)
        return tuple(code for code in self.services if code in in_strand)

    def echo(self) -> dict:
        """The filters as applied, for the response."""
        return {
            "service": list(self.services) if self.services is not None else None,
            "strand": self.strand,
            "ward": self.ward,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }


def parse_filters(
    *, service: Iterable[str] | None = None, strand: str | None = None, ward: str | None = None,
    date_from: str | None = None, date_to: str | None = None,
) -> ReachFilters:
    """Check raw query values; blank values mean "not given". Raises :class:`InvalidFilters`."""
    problems: list[FilterProblem] = []
    services = _services(service, problems)
    canonical_strand = _strand(strand, problems)
    start = _date("from", date_from, problems)
    end = _date("to", date_to, problems)
    if start and end and start > end:
        problems.append(FilterProblem("from", f"'from' ({start}) is after 'to' ({end}); the range is inclusive"))
    if problems:
        raise InvalidFilters(problems)
    return ReachFilters(services, canonical_strand, (ward or "").strip() or None, start, end)


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
