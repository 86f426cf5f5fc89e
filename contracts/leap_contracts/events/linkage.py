"""Tolerant linkage's results for downstream read models (docs/tolerant-linkage.md): pseudonymous
references and aggregate counts only, never a token."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from leap_contracts import topics
from leap_contracts.events.base import Event, Part


class TolerantAssignment(Part):
    """One record's tolerant individual, as of ``version``."""

    upload_id: uuid.UUID
    row_number: int = Field(ge=1)
    tolerant_ref: str = Field(pattern=r"^TOL-\d{10,}$", description="The tolerant individual's pseudonymous "
                              "reference (as individual_ref is the exact individual's).")
    version: int = Field(ge=1, description="From one sequence over every assignment the matcher makes: keep the "
                                           "newest per record, so delivery order does not matter.")


class TolerantRecordsRelinkedV1(Event):
    """Tolerant linkage gave these records a (new) tolerant individual: a record's first assignment, a fuzzy link
    made or broken, a reviewer's answer, an upload withdrawn. A withdrawn upload's own records are not listed."""

    TOPIC: ClassVar[topics.Topic] = topics.TOLERANT_RELINKED

    upload_id: uuid.UUID = Field(description="The upload whose chunk or withdrawal caused the change (the key); "
                                             "the records may belong to any upload.")
    records: list[TolerantAssignment]


class UploadLinkage(Part):
    """One upload's records under both linkages (counts of records, additive over uploads)."""

    upload_id: uuid.UUID
    provider_id: str | None = None
    records: int = Field(ge=0)
    fuzzy_linked: int = Field(ge=0, description="Records whose tolerant individual joins two or more exact "
                                                "individuals: linked to others only through a fuzzy link.")
    split: int = Field(ge=0, description="Records whose exact individual tolerant linkage splits in two or more.")


class LinkageQualityMeasuredV1(Event):
    """The matcher's linkage-quality figures, unsuppressed aggregate counts (the reporter suppresses what it
    shows); never a person, a reference or a token. Measured again whenever tolerant linkage changed."""

    TOPIC: ClassVar[topics.Topic] = topics.LINKAGE_QUALITY

    measured_at: datetime
    version: int = Field(ge=0, description="Grows with every change of tolerant linkage the figures include: "
                                           "keep the highest.")
    exact_individuals: int = Field(ge=0, description="Exact individuals with an attended record.")
    tolerant_individuals: int = Field(ge=0, description="Tolerant individuals with an attended record.")
    pending_reviews: int = Field(ge=0, description="Grey-band pairs waiting for a reviewer.")
    individuals_with_two_nhs_numbers: int = Field(ge=0, description="Exact individuals holding two valid NHS "
                                                                    "numbers.")
    identifiers_across_birth_months: int = Field(ge=0, description="Identity tokens shared by records of "
                                                                   "incompatible (different) birth months.")
    uploads: list[UploadLinkage] = Field(default_factory=list)

    @classmethod
    def key_of(cls, fields: Mapping[str, Any]) -> str:
        """One key for every measurement (its topic has one partition): the figures' producer."""
        return "matcher"
