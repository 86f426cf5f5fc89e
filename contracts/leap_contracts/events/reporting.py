"""Events the reporter publishes about the figures (no personal data)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from pydantic import Field

from leap_contracts import topics
from leap_contracts.events.base import Event


class UploadReportableV1(Event):
    """Every row of the upload is now part of the figures the reporter publishes (the dashboard and the API
    answer from a snapshot that includes them)."""

    TOPIC: ClassVar[topics.Topic] = topics.UPLOAD_REPORTABLE

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    records: int = Field(ge=0, description="Rows of the upload counted in the figures.")
    reportable_at: datetime
