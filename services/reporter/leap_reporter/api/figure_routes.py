"""/api/v1/figures/{name}: every published table as JSON, CSV or XLSX, with the dashboard's slicers."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from leap_reporter.access import disclosure_for, filters_from, require_role
from leap_reporter.adapters.export import freshness_headers, to_csv, to_xlsx
from leap_reporter.api import AS_AT, CONSISTENCY, invalid, view_for
from leap_reporter.auth import Role
from leap_reporter.domain.as_at import AS_AT_FIGURES
from leap_reporter.domain.filters import FilterProblem, InvalidFilters
from leap_reporter.domain.tables import Table
from leap_reporter.service.figures import FIGURES, Ask, figure
from leap_reporter.service.linkage import linkage_in_force

router = APIRouter(prefix="/api/v1", tags=["figures"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def ask_from(request: Request, role: Role, upload: str | None = None) -> Ask:
    """Raises InvalidFilters / HTTPException for bad input."""
    settings = request.app.state.settings
    upload_id = None
    if upload:
        try:
            upload_id = uuid.UUID(upload)
        except ValueError:
            raise HTTPException(status_code=422, detail=f"upload: '{upload[:40]}' is not an upload id") from None
    filters = filters_from(request.query_params)
    disclosure = disclosure_for(settings, role, request.query_params.get("suppression"))
    view = await view_for(request)
    return Ask(filters, disclosure, grace_days=settings.late_after_days, upload_id=upload_id, view=view,
               linkage=await linkage_in_force(request.app.state.pool, settings, view),
               tolerant_running=settings.tolerant_linking)


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
    request: Request, name: str, role: Annotated[Role, Depends(require_role)],
    format: Annotated[Literal["json", "csv", "xlsx"], Query(description="json, csv or xlsx")] = "json",
    upload: Annotated[str | None, Query(description="Upload id (quality figures)")] = None,
    service: Annotated[list[str] | None, Query()] = None, strand: str | None = None, ward: str | None = None,
    date_from: Annotated[str | None, Query(alias="from")] = None, date_to: Annotated[str | None, Query(alias="to")] = None,
    beneficiary_type: str | None = None, gender: str | None = None, ethnicity: str | None = None,
    age_band: str | None = None, suppression: str | None = None,
    consistency: Annotated[str | None, CONSISTENCY] = None, as_at: Annotated[str | None, AS_AT] = None,
):
    """One table: columns and rows (``"*"`` marks a suppressed count), ``as_of`` (when its data is from) and
    ``up_to_date``. Filters as for /api/v1/reach."""
    if name not in FIGURES:
        raise HTTPException(status_code=404, detail=f"unknown figure '{name[:60]}'; see /api/v1/figures")
    if as_at and name not in AS_AT_FIGURES:
        return invalid(InvalidFilters([FilterProblem("as_at", f"'{name}' answers for now only: as_at applies to "
                                                              "reach, new beneficiaries and engagement patterns")]))
    try:
        ask = await ask_from(request, role, upload)
    except InvalidFilters as exc:
        return invalid(exc)
    return respond(await figure(request.app.state.pool, name, ask), format)
