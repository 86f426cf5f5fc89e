"""Response bodies of the upload API (also its OpenAPI description)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

UploadStatus = Literal["received", "validating", "processing", "completed", "rejected", "replaced", "failed"]


class UploadReceipt(BaseModel):
    upload_id: uuid.UUID
    status: UploadStatus


class UploadProblem(BaseModel):
    row: int | None = Field(description="Row in the file as a spreadsheet shows it (the header is row 1).")
    column: str | None
    code: str
    severity: Literal["error", "warning"] = Field(description="Errors reject the row; warnings keep it.")
    message: str


class UploadState(BaseModel):
    upload_id: uuid.UUID
    service: str
    file_format: Literal["csv", "xlsx"]
    size_bytes: int
    status: UploadStatus
    rows_total: int | None
    rows_accepted: int | None
    rows_rejected: int | None
    rejection_reason: str | None = Field(description="Why the whole file was rejected, or why it failed "
                                              "(the platform could not store it: send it again later).")
    chunk_count: int | None
    chunks_matched: int
    created_at: datetime
    updated_at: datetime
    reportable_at: datetime | None = Field(
        default=None, description="When the upload's rows became part of the published figures (the dashboard's "
                                  "and the reporting API's); null until then. 'completed' means matched; this is "
                                  "when the rows count.")
    replaces: uuid.UUID | None = Field(default=None, description="The earlier upload this one replaces.")
    replaced_by: uuid.UUID | None = Field(default=None, description="The upload that replaced this one.")
    at_source: bool = Field(default=False, description="A file pseudonymised at source (with a manifest).")
    errors: list[UploadProblem] = Field(description="Problems found, in row order; at most 1000.")
    errors_truncated: bool = Field(description="True when there are more problems than listed.")


class Problem(BaseModel):
    detail: str
