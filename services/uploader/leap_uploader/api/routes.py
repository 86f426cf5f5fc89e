"""The upload API: thin edges that decode the request and call one service function."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response, status
from fastapi.responses import JSONResponse

from leap_uploader.api.bearer import CurrentProvider
from leap_uploader.api.multipart import BadForm, TooLarge, read_upload_form
from leap_uploader.api.schemas import Problem, UploadReceipt, UploadState
from leap_uploader.service.receiving import InvalidUpload, ServiceNotAllowed, StorageRefused
from leap_uploader.service.status import upload_status

router = APIRouter(prefix="/api/v1", tags=["uploads"])

_FORM = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file", "service"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "CSV (UTF-8 or Windows-1252) or XLSX."},
        "service": {"type": "string", "description": "Service code, e.g. CAN; for dataset outcomes the outcome "
                                                     "source, e.g. HV (docs/outcomes-dataset.md)."},
        "dataset": {"type": "string", "enum": ["services", "outcomes"], "default": "services",
                    "description": "What the file carries: contacts with a service (default) or outcome records; "
                                   "outcome data only from providers an admin has allowed (403 otherwise)."},
        "replaces": {"type": "string", "format": "uuid",
                     "description": "Optional: the id of an earlier accepted upload of the same service that this "
                                    "corrected file replaces; its rows are withdrawn once this one is accepted."},
        "manifest": {"type": "string", "format": "binary",
                     "description": "Optional: the at-source tool's manifest (JSON) for a pseudonymised file."},
    },
}}}}}
_ERRORS = {code: {"model": Problem} for code in (400, 401, 403, 404, 413)}
_STORAGE = {507: {"model": Problem, "description": "The platform cannot store files now (storage full or not "
                                                    "writable); nothing was kept: send the file again later."}}


@router.post("/uploads", status_code=status.HTTP_202_ACCEPTED, response_model=UploadReceipt,
             openapi_extra=_FORM,
             responses={200: {"model": UploadReceipt, "description": "The same file was already uploaded."}, **_ERRORS,
                        **_STORAGE})
async def post_upload(request: Request, response: Response, provider: CurrentProvider) -> dict:
    """Upload one file for one service (or, with dataset=outcomes, one outcome extract of one source). Answers 202
    with the new upload's id, or 200 with the existing one when the same file was uploaded before for the same
    service."""
    services = request.app.state.services
    form = await read_upload_form(request, max_bytes=services.settings.max_upload_bytes,
                                  temp_dir=services.settings.temp_dir)
    try:
        receipt = await services.receiving.receive(provider, form.service, form.spooled,
                                                    replaces=form.fields.get("replaces"), actor=provider.actor,
                                                    manifest=form.manifest, dataset=form.fields.get("dataset"))
    finally:
        form.close()
    services.metrics.uploads.labels(outcome="created" if receipt.created else "repeated").inc()
    if not receipt.created:
        response.status_code = status.HTTP_200_OK
    return {"upload_id": receipt.upload_id, "status": receipt.status}


@router.get("/uploads/{upload_id}", response_model=UploadState, responses=_ERRORS)
async def get_upload(upload_id: uuid.UUID, request: Request, provider: CurrentProvider) -> dict:
    """An upload's status, row counts and the problems found in its rows."""
    found = await upload_status(request.app.state.services.pool, provider, upload_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such upload")
    return found


def install_error_handlers(app: FastAPI) -> None:
    """Refusals become ``{"detail": ...}`` with the status that says why."""
    for exc_type, code in ((BadForm, 400), (InvalidUpload, 400), (ServiceNotAllowed, 403), (TooLarge, 413),
                            (StorageRefused, 507)):
        app.add_exception_handler(exc_type, _handler(code))


def _handler(code: int):
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        request.app.state.services.metrics.uploads.labels(outcome=f"refused_{code}").inc()
        return JSONResponse({"detail": str(exc)}, status_code=code)
    return handle
