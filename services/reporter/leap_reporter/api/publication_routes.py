"""/api/v1/publications: publish a named return (analysts and admins), list them, read one's manifest, and
download its CSV or XLSX exactly as published. Thin routes: the rules are in ``domain.publication``."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from leap_reporter.adapters import publications
from leap_reporter.api import auth, deps
from leap_reporter.api.access import RoleDep, disclosure_for
from leap_reporter.api.figure_routes import XLSX
from leap_reporter.domain.publication import SLICERS, InvalidReturn, NotUpToDate, return_request
from leap_reporter.service.publish import Publisher, publish
from leap_reporter.service.revision_report import HistoryTooShort, NoSuchReturn, as_published, revision_report

router = APIRouter(prefix="/api/v1", tags=["publications"])
MEDIA = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


class PublishIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    name: str = Field(description="The return's name, e.g. 'Q4 2025/26 funder return'.")
    from_: date = Field(alias="from", description="First day of the period (YYYY-MM-DD).")
    to: date = Field(description="Last day of the period (YYYY-MM-DD), inclusive.")
    slicers: list[str] | None = Field(None, description="Reach breakdowns to include; default all: "
                                                        f"{', '.join(SLICERS)}.")
    accept_as_of: bool = Field(False, description="Publish even while the figures are not up to date, labelled "
                                                  "'as of' when their data is from (otherwise 409).")


async def publisher(request: Request) -> Publisher:
    """A named person (or an analyst's or admin's token): anyone else is refused."""
    who = await auth.caller(request)
    if who.role is None:
        raise HTTPException(status_code=401, detail="sign in: send 'Authorization: Bearer <token>' or use /signin",
                            headers={"WWW-Authenticate": "Bearer"})
    if who.role not in auth.PEOPLE_ROLES:
        raise HTTPException(status_code=403, detail="only an analyst or an admin can publish a return")
    return Publisher(who.session.username if who.session else f"{who.role} token", who.role)


def links(publication_id: str) -> dict:
    base = f"/api/v1/publications/{publication_id}"
    return {"manifest": base, "csv": f"{base}/return.csv", "xlsx": f"{base}/return.xlsx",
            "as_published": f"{base}/as-published", "revisions": f"{base}/revisions"}


async def make(request: Request, asked: PublishIn, who: Publisher) -> JSONResponse:
    """Publish, answering 201 with the manifest, 409 while not up to date, 422 for a bad request."""
    settings = deps.settings(request)
    try:
        wanted = return_request(asked.name, asked.from_, asked.to, asked.slicers, asked.accept_as_of)
        disclosure = disclosure_for(settings, who.role, None)  # type: ignore[arg-type]
        manifest = await publish(deps.pool(request), deps.reach_index(request), wanted, disclosure, who,
                                 settings.code_version, deps.as_at_indexes(request))
    except InvalidReturn as exc:
        return JSONResponse(status_code=422, content={"detail": [
            {"loc": ["body", p.field], "msg": p.message, "type": "invalid_return"} for p in exc.problems]})
    except NotUpToDate as exc:
        return JSONResponse(status_code=409, content={"detail": str(exc)})
    return JSONResponse(status_code=201, content={**manifest, "links": links(manifest["publication_id"])})


@router.post("/publications", status_code=201, responses={409: {"description": "The figures are not up to date"}})
async def post_publication(request: Request, asked: PublishIn,
                           who: Annotated[Publisher, Depends(publisher)]) -> JSONResponse:
    """Publish a named return for a period: reach overall and by each slicer, new beneficiaries per quarter and
    the overlap table, suppressed; stored once, never changed. Answers its manifest."""
    return await make(request, asked, who)


@router.get("/publications")
async def list_publications(request: Request, role: RoleDep) -> dict:
    """Every published return, newest first (without its figures)."""
    found = await publications.listed(deps.pool(request))
    return {"publications": [{**{k: _json(v) for k, v in row.items()}, "links": links(str(row["publication_id"]))}
                             for row in found]}


@router.get("/publications/{publication_id}")
async def get_publication(request: Request, publication_id: uuid.UUID,
                          role: RoleDep) -> dict:
    """One return's manifest and its figures (disclosed) as published."""
    found = await publications.manifest_and_figures(deps.pool(request), publication_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no published return {publication_id}; see /api/v1/publications")
    manifest, figures = found
    return {"manifest": manifest, "figures": figures, "links": links(str(publication_id))}


async def download(request: Request, publication_id: uuid.UUID, fmt: str) -> Response:
    found = await publications.file_of(deps.pool(request), publication_id, fmt)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no published return {publication_id}; see /api/v1/publications")
    name, period_to, body = found
    filename = f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-') or 'return'}-{period_to}.{fmt}"
    return Response(body, media_type=MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                                          "X-Publication-Id": str(publication_id)})


@router.get("/publications/{publication_id}/return.csv")
async def get_publication_csv(request: Request, publication_id: uuid.UUID,
                              role: RoleDep) -> Response:
    """The return's CSV, byte for byte as published."""
    return await download(request, publication_id, "csv")


@router.get("/publications/{publication_id}/return.xlsx")
async def get_publication_xlsx(request: Request, publication_id: uuid.UUID,
                               role: RoleDep) -> Response:
    """The return's XLSX, byte for byte as published."""
    return await download(request, publication_id, "xlsx")


def _json(value):
    return value.isoformat() if isinstance(value, date) else str(value) if isinstance(value, uuid.UUID) else value


async def recomputed(request: Request, publication_id: uuid.UUID, what) -> dict | JSONResponse:
    try:
        return await what(deps.pool(request), deps.as_at_indexes(request), publication_id)
    except NoSuchReturn as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    except HistoryTooShort as exc:
        return JSONResponse(status_code=409, content={"detail": str(exc)})


NO_HISTORY = {409: {"description": "The read model's history does not reach back to the return"}}


@router.get("/publications/{publication_id}/as-published", response_model=None, responses=NO_HISTORY)
async def get_publication_as_published(request: Request, publication_id: uuid.UUID,
                                       role: RoleDep) -> dict | JSONResponse:
    """The return's figures recomputed as at its publication from the read model's history (uploads replaced or
    withdrawn since, and merges and splits since, as they were then), and whether each equals the published."""
    return await recomputed(request, publication_id, as_published)


@router.get("/publications/{publication_id}/revisions", response_model=None, responses=NO_HISTORY)
async def get_publication_revisions(request: Request, publication_id: uuid.UUID,
                                    role: RoleDep) -> dict | JSONResponse:
    """The revision report: per figure and cell the published and the current value, the difference split into
    uploads added late, uploads withdrawn or replaced, and individuals merged or split since (suppressed: a
    difference is shown only between two shown values); the uploads by id, provider and service."""
    return await recomputed(request, publication_id, revision_report)
