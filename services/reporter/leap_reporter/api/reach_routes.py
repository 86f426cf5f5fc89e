"""/api/v1/reach: unique beneficiaries under the linkage policy, thin over ``service.linkage.reach_under_policy``."""

from __future__ import annotations

import time
from dataclasses import asdict

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from leap_reporter.api.access import Disclosed, RoleDep
from leap_reporter.api.deps import PoolDep, SettingsDep, metrics
from leap_reporter.api.reach_query import Filters, PinnedView
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


@router.get("/reach", response_model=ReachOut, responses={422: {"model": InvalidFiltersOut}})
async def get_reach(request: Request, role: RoleDep, disclosure: Disclosed, filters: Filters, view: PinnedView,
                    pool: PoolDep, settings: SettingsDep) -> dict:
    """Unique beneficiaries reached, overall and per service, for the given slicers."""
    started = time.perf_counter()
    figures, linkage = await reach_under_policy(pool, filters, disclosure, view, settings.tolerant_linking)
    metrics(request).reach_seconds.observe(time.perf_counter() - started)
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
