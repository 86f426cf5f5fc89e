"""The reporting API: thin routes that parse, call one service function, and answer."""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from leap_reporter.access import disclosure_for, require_role
from leap_reporter.auth import Role
from leap_reporter.adapters.reach_index import View
from leap_reporter.domain.as_at import parse_as_at
from leap_reporter.domain.filters import FilterProblem, InvalidFilters, parse_filters
from leap_reporter.service.as_at import view_at
from leap_reporter.service.linkage import reach_under_policy

router = APIRouter(prefix="/api/v1", tags=["reach"])


class ServiceReachOut(BaseModel):
    service_code: str
    service_name: str | None
    strand: str | None
    unique_beneficiaries: int | str = Field(description="A count, or \"*\" when suppressed.")


class FiltersOut(BaseModel):
    service: list[str] | None = Field(description="Service codes asked for (before narrowing to the strand).")
    strand: str | None
    ward: str | None
    from_: str | None = Field(alias="from")
    to: str | None
    beneficiary_type: str | None = None
    gender: str | None = None
    ethnicity: str | None = None
    age_band: str | None = None


class NotYetCountedOut(BaseModel):
    uploads: int = Field(description="Uploads received and not yet in the figures (and withdrawals asked for "
                                     "and not yet applied).")
    events: int | None = Field(description="Events published and not yet applied; null when the broker did not "
                                           "answer (then up_to_date is false).")


class LinkageOut(BaseModel):
    published: str = Field(description="The linkage unique_beneficiaries counts under: 'exact' (records sharing "
                                       "an identifier are one person) or 'tolerant' (typo-tolerant linkage), as an "
                                       "admin set it (/api/v1/linkage/policy).")
    tolerant_running: bool = Field(description="False when tolerant linkage is not running: exact only.")
    exact: int | str | None = Field(description="Unique beneficiaries under exact linkage (same filters).")
    tolerant: int | str | None = Field(description="... under tolerant linkage (null when it is not running).")
    difference: int | str | None = Field(description="exact minus tolerant, disclosed as a count of its own.")
    exact_over_count: float | None = Field(description="(exact - tolerant) / tolerant: exact linkage's estimated "
                                                       "over-count (negative: under-count); null when withheld.")
    note: str | None = None


class ReachOut(BaseModel):
    unique_beneficiaries: int | str = Field(
        description="Distinct individuals with at least one attended engagement matching the filters "
                    "(\"*\" when suppressed; otherwise rounded unless suppression is off).")
    suppressed: bool = Field(description="True when small-number suppression was applied.")
    by_service: list[ServiceReachOut] = Field(description="Per service, only services with at least one.")
    filters: FiltersOut
    as_of: str = Field(description="When the data is from (ISO 8601, UTC): everything received before it is "
                                   "counted.")
    up_to_date: bool = Field(description="True only when the figures include every upload received and every event "
                                         "published (the watermark); false while data is on its way into them "
                                         "(see not_yet_counted) or they come from an earlier snapshot.")
    not_yet_counted: NotYetCountedOut
    as_at: str | None = Field(None, description="The past moment asked for (as_at), when one was.")
    linkage: LinkageOut = Field(description="Which linkage unique_beneficiaries uses, and the other count beside it.")


class ProblemOut(BaseModel):
    loc: list[str]
    msg: str
    type: str = "invalid_filter"


class InvalidFiltersOut(BaseModel):
    detail: list[ProblemOut]


def invalid(exc: InvalidFilters) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": [
        {"loc": ["query", p.param], "msg": p.message, "type": "invalid_filter"} for p in exc.problems
    ]})


CONSISTENCY = Query(description="'current': exact figures as of now when nothing is on its way (the index only when "
                                "it holds everything, else SQL; slower while new data is being indexed). While "
                                "uploads are being processed no figure is current: the answer comes from the last "
                                "snapshot, with up_to_date false. By default an answer may come from the last "
                                "snapshot while a newer one is built: see as_of and up_to_date.")


AS_AT = Query(description="A past moment: the figures from the data the platform held then (uploads later "
                         "replaced or withdrawn included, individuals later merged or split as they were then). "
                         "YYYY-MM-DD (the end of that day, UTC) or ISO 8601; suppressed as every figure.")


async def view_for(request: Request) -> View:
    """The one snapshot this request answers from. Raises InvalidFilters for a bad ``consistency`` or ``as_at``."""
    consistency = request.query_params.get("consistency") or None
    if consistency not in (None, "current"):
        raise InvalidFilters([FilterProblem("consistency", f"'{consistency[:20]}' is not known: use 'current' "
                                                           "for exact current figures, or leave it out")])
    at = parse_as_at(request.query_params.get("as_at"), datetime.now(UTC))
    if at is not None:
        return await view_at(request.app.state.pool, request.app.state.as_at_indexes, at)
    index = getattr(request.app.state, "reach_index", None)
    if index is None:
        return View.sql()
    return await index.view(request.app.state.pool, current_only=consistency == "current")


@router.get("/reach", response_model=ReachOut, responses={422: {"model": InvalidFiltersOut}})
async def get_reach(
    request: Request,
    role: Annotated[Role, Depends(require_role)],
    service: Annotated[list[str] | None, Query(description="Service code(s); repeat or comma-separate.")] = None,
    strand: Annotated[str | None, Query(description="Strand name as in the catalogue.")] = None,
    ward: Annotated[str | None, Query(description="Ward code or ward name, any case.")] = None,
    date_from: Annotated[str | None, Query(alias="from", description="First engagement date, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, Query(alias="to", description="Last engagement date, YYYY-MM-DD.")] = None,
    beneficiary_type: Annotated[str | None, Query(description="child or adult.")] = None,
    gender: Annotated[str | None, Query(description="female, male, other or unknown.")] = None,
    ethnicity: Annotated[str | None, Query(description="Ethnicity as recorded (ONS 2021 code).")] = None,
    age_band: Annotated[str | None, Query(description="Age band at first contact, e.g. '1 year'.")] = None,
    suppression: Annotated[str | None, Query(description="'off' for exact figures (admins only).")] = None,
    consistency: Annotated[str | None, CONSISTENCY] = None,
    as_at: Annotated[str | None, AS_AT] = None,
) -> dict | JSONResponse:
    """Unique beneficiaries reached, overall and per service, for the given slicers."""
    disclosure = disclosure_for(request.app.state.settings, role, suppression)
    try:
        filters = parse_filters(service=service, strand=strand, ward=ward, date_from=date_from, date_to=date_to,
                                beneficiary_type=beneficiary_type, gender=gender, ethnicity=ethnicity,
                                age_band=age_band)
        view = await view_for(request)
    except InvalidFilters as exc:
        return invalid(exc)
    started = time.perf_counter()
    figures, linkage = await reach_under_policy(request.app.state.pool, filters, disclosure, view,
                                                request.app.state.settings.tolerant_linking)
    request.app.state.metrics.reach_seconds.observe(time.perf_counter() - started)
    return {
        "unique_beneficiaries": figures.unique_beneficiaries,
        "suppressed": figures.suppressed,
        "by_service": [asdict(s) for s in figures.by_service],
        "filters": filters.echo(),
        "as_of": view.as_of.isoformat(),
        "up_to_date": view.up_to_date,
        "not_yet_counted": {"uploads": view.waiting.uploads, "events": view.waiting.events},
        "as_at": view.as_at.isoformat() if view.as_at else None,
        "linkage": linkage,
    }
