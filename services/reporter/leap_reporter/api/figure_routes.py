"""/api/v1/figures/{name}: every published table as JSON, CSV or XLSX, with the dashboard's slicers."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from leap_reporter.adapters.export import freshness_headers, to_csv, to_xlsx
from leap_reporter.adapters.reach_index import View
from leap_reporter.api.access import Disclosed, RoleDep, disclosure_for
from leap_reporter.api.auth import Role
from leap_reporter.api.deps import PoolDep, SettingsDep, pool, settings
from leap_reporter.api.reach_query import Filters, PinnedView, filters_of, view_for
from leap_reporter.domain.as_at import AS_AT_FIGURES
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import FilterProblem, InvalidFilters, ReachFilters
from leap_reporter.domain.tables import Table
from leap_reporter.service.figures import FIGURES, Ask, figure
from leap_reporter.service.linkage import linkage_in_force
from leap_reporter.settings import Settings

router = APIRouter(prefix="/api/v1", tags=["figures"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_upload(upload: str | None) -> uuid.UUID | None:
    """Raises HTTPException 422 for what is not an upload id."""
    if not upload:
        return None
    try:
        return uuid.UUID(upload)
    except ValueError:
        raise HTTPException(status_code=422, detail=f"upload: '{upload[:40]}' is not an upload id") from None


async def upload_id(upload: Annotated[str | None, Query(description="Upload id (quality figures)")] = None
                    ) -> uuid.UUID | None:
    return parse_upload(upload)


UploadId = Annotated[uuid.UUID | None, Depends(upload_id)]


async def ask_of(pool: asyncpg.Pool, settings: Settings, filters: ReachFilters, disclosure: Disclosure,
                 upload: uuid.UUID | None, view: View) -> Ask:
    return Ask(filters, disclosure, grace_days=settings.late_after_days, upload_id=upload, view=view,
               linkage=await linkage_in_force(pool, settings, view), tolerant_running=settings.tolerant_linking)


async def ask_from(request: Request, role: Role, upload: str | None = None) -> Ask:
    """A page's request (the API's: :func:`asked`). Raises InvalidFilters / HTTPException for bad input."""
    query = request.query_params
    checked_upload, filters = parse_upload(upload), filters_of(query)
    disclosure = disclosure_for(settings(request), role, query.get("suppression"))
    view = await view_for(request, query.get("consistency"), query.get("as_at"))
    return await ask_of(pool(request), settings(request), filters, disclosure, checked_upload, view)


async def asked(pool: PoolDep, settings: SettingsDep, upload: UploadId, filters: Filters, disclosure: Disclosed,
                view: PinnedView) -> Ask:
    return await ask_of(pool, settings, filters, disclosure, upload, view)


async def known_figure(request: Request, name: str) -> str:
    """404 for a figure nobody publishes; 422 for ``as_at`` (declared by ``PinnedView``) on one that answers for
    now only."""
    if name not in FIGURES:
        raise HTTPException(status_code=404, detail=f"unknown figure '{name[:60]}'; see /api/v1/figures")
    if request.query_params.get("as_at") and name not in AS_AT_FIGURES:
        raise InvalidFilters([FilterProblem("as_at", f"'{name}' answers for now only: as_at applies to "
                                                     "reach, new beneficiaries and engagement patterns")])
    return name


def respond(table: Table, fmt: str) -> Response | dict:
    if fmt == "csv":
        return Response(to_csv(table), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{table.name}.csv"',
                                 **freshness_headers(table)})
    if fmt == "xlsx":
        return Response(to_xlsx(table), media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{table.name}.xlsx"',
                                 **freshness_headers(table)})
    return table.as_json()


@router.get("/figures")
async def list_figures() -> dict:
    """The names of every published figure."""
    return {"figures": list(FIGURES)}


@router.get("/figures/{name}")
async def get_figure(
    role: RoleDep, name: Annotated[str, Depends(known_figure)], ask: Annotated[Ask, Depends(asked)], pool: PoolDep,
    format: Annotated[Literal["json", "csv", "xlsx"], Query(description="json, csv or xlsx")] = "json",
):
    """One table: columns and rows (``"*"`` marks a suppressed count), ``as_of`` (when its data is from) and
    ``up_to_date``. Filters as for /api/v1/reach."""
    return respond(await figure(pool, name, ask), format)
