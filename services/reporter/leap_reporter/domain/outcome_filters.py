"""Which of the reach slicers the outcome figures take, and what each means for an outcome record (pure).

- **ward**: the ward of the record's postcode (code or name, any case);
- **from / to**: the record's ``measured_on`` (inclusive); then one result per child in that range;
- **gender**: the record's own gender;
- **service / strand**: the children engaged with at least one of those services (any count of services, as the
  rows say), against the comparison group (not engaged), which no service filter narrows; coverage counts the
  children engaged with them.

Beneficiary type (outcome records are about children), ethnicity and age band (outcome records carry neither;
each measure is taken at a fixed age) are not applied, and the table's note says so when they are asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from leap_reporter.domain.filters import ReachFilters

NOT_APPLIED = ("beneficiary_type", "ethnicity", "age_band")


@dataclass(frozen=True)
class OutcomeFilters:
    ward: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    gender: str | None = None
    services: tuple[str, ...] | None = None
    ignored: tuple[str, ...] = ()
    """Reach slicers asked for that outcome figures do not take."""

    @property
    def records_filtered(self) -> bool:
        return any(v is not None for v in (self.ward, self.date_from, self.date_to, self.gender))


def outcome_filters(filters: ReachFilters) -> OutcomeFilters:
    return OutcomeFilters(filters.ward, filters.date_from, filters.date_to, filters.gender, filters.service_codes,
                          tuple(name for name in NOT_APPLIED if getattr(filters, name) is not None))


def note(filters: OutcomeFilters) -> str:
    """What the filters did, for a table's note ('' when none was asked)."""
    parts = []
    if filters.services is not None:
        parts.append("engaged children of the services asked for, against all not engaged children")
    if filters.records_filtered:
        parts.append("records of the ward, dates (measured on) and gender asked for")
    if filters.ignored:
        parts.append(f"not applied to outcome records: {', '.join(filters.ignored)}")
    return f" Filters: {'; '.join(parts)}." if parts else ""
