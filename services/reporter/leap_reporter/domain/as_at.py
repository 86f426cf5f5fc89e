""""As at" questions (issue 17): which moment of the read model's history a figure is computed from. No I/O.

A moment is a read-model version (every change is numbered in commit order, and logged with its time); a
figure "as at 5 April" is computed from the records the platform held at the last version committed by then,
with the references and merges of then. The revision report also asks two mixed moments between a
publication and now (:data:`REVISION_STAGES`), so a difference is split into what each kind of change did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from leap_reporter.domain.filters import FilterProblem, InvalidFilters


@dataclass(frozen=True)
class Moment:
    rows_at: int
    """The records held at this read-model version."""
    ids_at: int
    """References and merges as at this version."""
    added_until: int | None = None
    """Also every record added after ``rows_at`` and still held at this later version (the late uploads)."""


def at_version(version: int) -> Moment:
    return Moment(version, version)


AS_AT_FIGURES = frozenset({"overlap", "services-per-individual", "contacts-per-individual", "once-only", "families",
                           *(f"reach-by-{by}" for by in ("service", "strand", "ward", "beneficiary_type",
                                                         "age_band", "gender", "ethnicity", "month", "quarter",
                                                         "year")),
                           *(f"new-by-{p}" for p in ("month", "quarter", "year"))})
"""The figures that can be asked as at a moment: reach and its breakdowns, new beneficiaries, engagement
patterns and families (the quality and outcome tables answer for now only)."""


def parse_as_at(text: str | None, now: datetime) -> datetime | None:
    """``YYYY-MM-DD`` (the end of that day, UTC) or an ISO 8601 moment (UTC when no zone is given); None when
    not asked. Raises :class:`InvalidFilters` naming ``as_at``."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1), time(), UTC) - timedelta(microseconds=1)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: the end of 9999-12-31
        raise InvalidFilters([FilterProblem("as_at", f"'{text[:40]}' is not a date (YYYY-MM-DD) or an ISO 8601 "
                                                     "moment, e.g. 2025-04-05T09:30:00Z")]) from None
    if moment > now:
        return None  # a moment not yet past: the figures as they stand
    return moment


def before_history(moment: datetime, began: datetime | None) -> InvalidFilters:
    since = f"it begins at {began.isoformat()}" if began else "it is empty"
    return InvalidFilters([FilterProblem("as_at", f"{moment.isoformat()} is before the read model's history "
                                                  f"({since}; a rebuild of the read model starts it again)")])


REVISION_STAGES = ("published", "late_uploads", "withdrawn_or_replaced", "merges_and_splits")
"""The revision report's steps from a publication (version P) to now (version N), each a moment whose difference
from the one before is what one kind of change did: the records and identities of P; plus every record added
since and still held (uploads added late); minus every record held at P and not now (uploads replaced or
withdrawn); then the references and merges of now (individuals merged or split since), which is now."""


def revision_moments(published: int, now: int) -> dict[str, Moment]:
    return {"published": at_version(published), "late_uploads": Moment(published, published, added_until=now),
            "withdrawn_or_replaced": Moment(now, published), "merges_and_splits": at_version(now)}
