"""Events about uploaded files (no personal data)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from leap_contracts import topics
from leap_contracts.events.base import Event, Part
from leap_contracts.events.outcomes import DatasetKind

class FileReceivedV1(Event):
    """A provider's file was received and stored in the restricted zone."""

    TOPIC: ClassVar[topics.Topic] = topics.FILE_RECEIVED

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    file_format: Literal["csv", "xlsx"]
    size_bytes: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    received_at: datetime
    dataset: DatasetKind = Field(default="services", description="outcomes: service_code is an outcome source code.")


class ProblemCount(Part):
    code: str = Field(description="Machine-readable problem, e.g. invalid_date.")
    column: str | None = Field(default=None, description="Standard column name, if any.")
    severity: Literal["error", "warning"]
    rows: int = Field(ge=0)


class UploadValidatedV1(Event):
    """Validation finished: how many rows were kept and why others were not (no values)."""

    TOPIC: ClassVar[topics.Topic] = topics.UPLOAD_VALIDATED

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    outcome: Literal["accepted", "rejected"]
    rejection_reason: str | None = None
    rows_total: int = Field(ge=0)
    rows_accepted: int = Field(ge=0)
    rows_rejected: int = Field(ge=0)
    chunk_count: int = Field(ge=0)
    problems: list[ProblemCount] = Field(default_factory=list)
    dataset: DatasetKind = "services"


class UploadWithdrawnV1(Event):
    """A provider withdrew an upload, or replaced it by a newer one: its records must leave."""

    TOPIC: ClassVar[topics.Topic] = topics.UPLOAD_WITHDRAWN

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    replaced_by: uuid.UUID | None = None
    dataset: DatasetKind = "services"
