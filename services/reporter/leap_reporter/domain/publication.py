"""Published returns (issue 17): what a return holds, when it may be published, and its manifest. No I/O.

A return is the period's reach overall and by each slicer it names, the new beneficiaries per quarter up to
the period's end, and the overlap table for the period, every count through the disclosure step in force.
It is published only from figures that are up to date (the watermark), unless the analyst accepts an
"as of" label; the manifest records what the figures include, so a later "as at" or revision report can
recompute them and explain any difference.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.domain.tables import updating_note

MANIFEST_VERSION = 1
SLICERS = ("service", "strand", "ward", "beneficiary_type", "age_band", "gender", "ethnicity")
"""The reach breakdowns a return may hold (the default: all of them)."""


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


class InvalidReturn(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


class NotUpToDate(Exception):
    """The figures do not include everything received yet; the message says what is missing and what to do."""


@dataclass(frozen=True)
class ReturnRequest:
    name: str
    period_from: date
    period_to: date
    slicers: tuple[str, ...] = SLICERS
    accept_as_of: bool = False


FIRST_YEAR, LAST_YEAR = 1900, 2199
"""A period's dates must lie within these years (quarters are counted up to the period's end)."""


def return_request(name: str, period_from: date, period_to: date, slicers: list[str] | None = None,
                   accept_as_of: bool = False) -> ReturnRequest:
    """Check what the analyst asked for; raises :class:`InvalidReturn` naming every problem."""
    problems = []
    name = " ".join((name or "").split())
    if not name:
        problems.append(Problem("name", "give the return a name, e.g. 'Q4 2025/26 funder return'"))
    elif len(name) > 200:
        problems.append(Problem("name", f"{len(name)} characters: at most 200"))
    elif any(ord(c) < 32 or ord(c) == 127 for c in name):
        problems.append(Problem("name", "a control character (such as NUL): type the name as plain text"))
    for field, day in (("from", period_from), ("to", period_to)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            problems.append(Problem(field, f"{day} is outside {FIRST_YEAR}-{LAST_YEAR}: give the period's real dates"))
    if period_from > period_to:
        problems.append(Problem("from", f"'from' ({period_from}) is after 'to' ({period_to}); the period is "
                                        "inclusive"))
    wanted = tuple(dict.fromkeys(s.strip() for s in (slicers if slicers is not None else SLICERS)))
    unknown = [s for s in wanted if s not in SLICERS]
    if unknown:
        problems.append(Problem("slicers", f"unknown slicer(s) {', '.join(unknown)}; use any of {', '.join(SLICERS)}"))
    if problems:
        raise InvalidReturn(problems)
    return ReturnRequest(name, period_from, period_to, wanted, accept_as_of)


@dataclass(frozen=True)
class Part:
    """One table of a return: a published figure's name, the filters it is asked with, and why."""

    figure: str
    filters: ReachFilters
    scope: str


def parts(request: ReturnRequest) -> list[Part]:
    """The tables of a return, in the order they are published."""
    period = ReachFilters(date_from=request.period_from, date_to=request.period_to)
    within = f"engagements from {request.period_from} to {request.period_to}"
    return [*(Part(f"reach-by-{s}", period, within) for s in request.slicers),
            Part("new-by-quarter", ReachFilters(date_to=request.period_to),
                 f"first attended contact, every quarter up to {request.period_to}"),
            Part("overlap", period, within)]


def as_of_label(up_to_date: bool, uploads: int, events: int | None, as_of: datetime,
                accept_as_of: bool) -> str | None:
    """None when the figures are up to date; the label a return carries when the analyst accepted one;
    raises :class:`NotUpToDate` otherwise."""
    if up_to_date:
        return None
    note = updating_note(uploads, events, as_of)
    if not accept_as_of:
        raise NotUpToDate(f"the figures are not up to date ({note}) Publish once they are, or accept an "
                          "'as of' label (accept_as_of=true) to publish them as they stand.")
    return f"Not up to date when published: {note}"


@dataclass(frozen=True)
class Watermark:
    """What the figures of a return include: the read-model version (of the consumer group building it) and the
    uploads counted at it, and what the reach answer said was still on its way."""

    read_model_version: int
    consumer_group: str
    answered_from: str  # "index" (the in-memory snapshot of that version) or "sql"
    as_of: datetime
    up_to_date: bool
    waiting_uploads: int
    waiting_events: int | None
    uploads: tuple[dict[str, Any], ...]  # upload_id, provider_id, service_code, records, counted_version
    events_applied: dict[str, int]  # per topic, the events the read model had applied (its inbox)
    offsets: dict[str, int] | None = None  # per partition, the group's committed offset at the last lag check
    offsets_checked_at: datetime | None = None  # that check (None: no broker watched, as in tests)


def manifest(*, publication_id: uuid.UUID, request: ReturnRequest, published_at: datetime, published_by: str,
             role: str, watermark: Watermark, label: str | None, code: dict[str, Any], disclosure: Disclosure,
             tables: list[tuple[Part, str]], files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The record of a publication (JSON): what, when, by whom, from which data and code, disclosed how."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "publication_id": str(publication_id),
        "name": request.name,
        "period": {"from": request.period_from.isoformat(), "to": request.period_to.isoformat()},
        "published_at": published_at.isoformat(),
        "published_by": {"name": published_by, "role": role},
        "watermark": {
            "read_model_version": watermark.read_model_version,
            "consumer_group": watermark.consumer_group,
            "answered_from": watermark.answered_from,
            "as_of": watermark.as_of.isoformat(),
            "up_to_date": watermark.up_to_date,
            "not_yet_counted": {"uploads": watermark.waiting_uploads, "events": watermark.waiting_events},
            "as_of_label": label,
            "uploads_counted": list(watermark.uploads),
            "events_applied": watermark.events_applied,
            "event_offsets": {"applied": watermark.offsets,
                              "checked_at": watermark.offsets_checked_at.isoformat()
                              if watermark.offsets_checked_at else None},
        },
        "code": code,
        "suppression": {"enabled": disclosure.enabled, "threshold": disclosure.threshold,
                        "rounding_base": disclosure.base},
        "figures": [{"name": part.figure, "title": title, "scope": part.scope,
                     "filters": {"from": _iso(part.filters.date_from), "to": _iso(part.filters.date_to)}}
                    for part, title in tables],
        "files": files,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
