"""Upload pages: choose a service and a file (with progress), the history with live status, the report."""

from __future__ import annotations

import dataclasses
import uuid

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse, Response

from leap_uploader.api.multipart import BadForm, read_upload_form
from leap_uploader.domain.report_export import to_csv, to_xlsx
from leap_uploader.service import reports
from leap_uploader.service.auth import provider_for
from leap_uploader.web.deps import ProviderUser, User, check_csrf, page

router = APIRouter(include_in_schema=False)


@router.get("/uploads")
async def uploads_page(request: Request, user: User):
    pool = request.app.state.services.pool
    provider = await provider_for(pool, user.provider_id)
    history = await reports.history(pool, user)
    replaceable = [u for u in history if u["status"] in ("processing", "completed")]
    return page(request, "uploads.html", user, provider=provider, history=history, replaceable=replaceable)


@router.get("/uploads/status.json")
async def uploads_status(request: Request, user: User) -> JSONResponse:
    return JSONResponse({"uploads": await reports.history(request.app.state.services.pool, user)},
                        headers={"Cache-Control": "no-store"})


@router.post("/uploads/new")
async def upload(request: Request, user: ProviderUser) -> JSONResponse:
    """The page's upload (XMLHttpRequest with progress): CSRF token in a header, checked before the body is read."""
    services = request.app.state.services
    header_token = request.headers.get("x-csrf-token")
    if header_token:
        check_csrf(user, header_token)
    provider = await provider_for(services.pool, user.provider_id)
    if provider is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "your account is not linked to a provider")
    form = await read_upload_form(request, max_bytes=services.settings.max_upload_bytes,
                                  temp_dir=services.settings.temp_dir)
    try:
        if not header_token:
            check_csrf(user, form.fields.get("csrf_token"))
        dataset, _, code = (form.service or "").rpartition(":")  # the page's outcome options: outcomes:<SOURCE>
        receipt = await services.receiving.receive(
            dataclasses.replace(provider, actor=user.actor), code,
            form.spooled, replaces=form.fields.get("replaces"), actor=user.actor, manifest=form.manifest,
            dataset=dataset or form.fields.get("dataset"))
    finally:
        form.close()
    services.metrics.uploads.labels(outcome="created" if receipt.created else "repeated").inc()
    return JSONResponse({"upload_id": str(receipt.upload_id), "status": receipt.status, "created": receipt.created},
                        status_code=202 if receipt.created else 200)


async def _report(request: Request, user, upload_id: uuid.UUID, action: str):
    found = await reports.report(request.app.state.services.pool, user, upload_id, action=action)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such upload")
    return found


@router.get("/uploads/{upload_id}")
async def report_page(request: Request, user: User, upload_id: uuid.UUID):
    upload, rows = await _report(request, user, upload_id, "report.viewed")
    return page(request, "report.html", user, upload=upload, rows=rows[:2000], total=len(rows))


@router.get("/uploads/{upload_id}/report.csv")
async def report_csv(request: Request, user: User, upload_id: uuid.UUID) -> Response:
    _, rows = await _report(request, user, upload_id, "report.downloaded")
    return Response(to_csv(rows), media_type="text/csv; charset=utf-8", headers=_download(upload_id, "csv"))


@router.get("/uploads/{upload_id}/report.xlsx")
async def report_xlsx(request: Request, user: User, upload_id: uuid.UUID) -> Response:
    _, rows = await _report(request, user, upload_id, "report.downloaded")
    return Response(to_xlsx(rows), headers=_download(upload_id, "xlsx"),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _download(upload_id: uuid.UUID, ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="validation-report-{upload_id}.{ext}"',
            "Cache-Control": "no-store"}


__all__ = ["router", "BadForm"]
