"""Events about individuals, for downstream consumers (public, keyed by individual reference)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import Field

from leap_contracts import topics
from leap_contracts.events.base import BeneficiaryType, Event, Gender, IdentifierType, Part

class IndividualMatchedV1(Event):
    """Records of an upload chunk were resolved to this individual (new or existing)."""

    TOPIC: ClassVar[topics.Topic] = topics.BENEFICIARIES

    individual_ref: str
    upload_id: uuid.UUID
    service_code: str
    records: int = Field(ge=1)
    created: bool
    identifier_types: list[IdentifierType]


class IndividualsMergedV1(Event):
    """A record bridged several individuals; the merged ones now point to the survivor."""

    TOPIC: ClassVar[topics.Topic] = topics.BENEFICIARIES

    survivor_ref: str
    merged_refs: list[str] = Field(min_length=1)
    upload_id: uuid.UUID
