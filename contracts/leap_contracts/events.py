"""Every event the platform publishes. Past-tense facts, version in the name.

Within a version only optional fields may be added; anything else is a new
``...V2`` model on a new topic. Models on restricted topics say so in their
docstring and carry clear personal data; every other model carries none.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

BeneficiaryType = Literal["child", "adult"]
Gender = Literal["female", "male", "other", "unknown"]
IdentifierType = Literal["nhs_number", "child_key", "email", "mobile", "provider_record_id"]


class Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    VERSION: ClassVar[int] = 1


# --- uploads -----------------------------------------------------------------


class FileReceivedV1(Event):
    """A provider's file was received and stored in the restricted zone."""

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    file_format: Literal["csv", "xlsx"]
    size_bytes: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    received_at: datetime


class ProblemCount(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str = Field(description="Machine-readable problem, e.g. invalid_date.")
    column: str | None = Field(default=None, description="Standard column name, if any.")
    severity: Literal["error", "warning"]
    rows: int = Field(ge=0)


class UploadValidatedV1(Event):
    """Validation finished: how many rows were kept and why others were not (no values)."""

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


# --- records -----------------------------------------------------------------


class ValidatedRecord(BaseModel):
    """One accepted row in the standard dataset, parsed. RESTRICTED: clear personal data."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    row_number: int = Field(ge=1, description="Row in the provider's file (header is row 1).")
    provider_record_id: str
    beneficiary_type: BeneficiaryType
    nhs_number: str | None = None
    first_name: str | None = None
    date_of_birth: date | None = None
    gender: Gender | None = None
    email: str | None = None
    mobile: str | None = None
    primary_carer_email: str | None = None
    primary_carer_mobile: str | None = None
    postcode: str | None = None
    ethnicity: str | None = None
    first_language: str | None = None
    engagement_date: date
    engagement_type: str | None = None
    attended: bool = True


class RecordsValidatedV1(Event):
    """A chunk of an upload's accepted rows. RESTRICTED topic only."""

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    chunk_index: int = Field(ge=0)
    records: list[ValidatedRecord]


class IdentifierTokens(BaseModel):
    """Keyed tokens (hex HMAC-SHA256) of a record's identifiers; absent when unusable."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    nhs_number: str | None = None
    child_key: str | None = None
    email: str | None = None
    mobile: str | None = None
    provider_record_id: str | None = None


class CarerTokens(BaseModel):
    """A child's primary carer's tokens: they relate the child to an adult, never identify the child."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    email: str | None = None
    mobile: str | None = None


class PseudonymisedRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    row_number: int = Field(ge=1)
    beneficiary_type: BeneficiaryType
    tokens: IdentifierTokens
    carer_tokens: CarerTokens = Field(default_factory=CarerTokens)
    birth_month: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")
    gender: Gender | None = None
    ward_code: str | None = None
    ward_name: str | None = None
    postcode_district: str | None = None
    ethnicity: str | None = None
    first_language: str | None = None
    engagement_date: date
    engagement_type: str | None = None
    attended: bool = True
    findings: list[str] = Field(default_factory=list, description="Data-quality finding codes.")


class RecordsPseudonymisedV1(Event):
    """A chunk of an upload's records with every identifier replaced by its token."""

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    chunk_index: int = Field(ge=0)
    spec_version: str
    key_id: str
    records: list[PseudonymisedRecord]


class MatchedRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    row_number: int = Field(ge=1)
    individual_ref: str
    beneficiary_type: BeneficiaryType
    birth_month: str | None = None
    gender: Gender | None = None
    ward_code: str | None = None
    ward_name: str | None = None
    ethnicity: str | None = None
    first_language: str | None = None
    engagement_date: date
    engagement_type: str | None = None
    attended: bool = True


class RecordsMatchedV1(Event):
    """Every record of a chunk resolved to the individual it belongs to."""

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    chunk_index: int = Field(ge=0)
    records: list[MatchedRecord]
    new_individuals: int = Field(ge=0)
    matched_existing: int = Field(ge=0, description="Records joined to an individual known before the chunk.")


# --- beneficiaries (public, keyed by individual reference) --------------------


class IndividualMatchedV1(Event):
    """Records of an upload chunk were resolved to this individual (new or existing)."""

    individual_ref: str
    upload_id: uuid.UUID
    service_code: str
    records: int = Field(ge=1)
    created: bool
    identifier_types: list[IdentifierType]


class IndividualsMergedV1(Event):
    """A record bridged several individuals; the merged ones now point to the survivor."""

    survivor_ref: str
    merged_refs: list[str] = Field(min_length=1)
    upload_id: uuid.UUID


EVENT_TYPES: dict[str, type[Event]] = {
    m.__name__: m
    for m in (
        FileReceivedV1,
        UploadValidatedV1,
        RecordsValidatedV1,
        RecordsPseudonymisedV1,
        RecordsMatchedV1,
        IndividualMatchedV1,
        IndividualsMergedV1,
    )
}
