"""Chunks of records on their way through the pipeline."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from leap_contracts import topics
from leap_contracts.events.base import BeneficiaryType, Event, Gender, IdentifierType, Part
from leap_contracts.events.beneficiaries import IndividualChanges
from leap_contracts.events.outcomes import DatasetKind, OutcomeValue

class ValidatedRecord(Part):
    """One accepted row in the standard dataset, parsed. RESTRICTED: clear personal data."""

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
    outcome: OutcomeValue | None = Field(
        default=None, description="Outcome records only (dataset outcomes): the measurement; engagement_date is "
                                  "then its date and the record is never a contact.")


class RecordsValidatedV1(Event):
    """A chunk of an upload's accepted rows. RESTRICTED topic only."""

    TOPIC: ClassVar[topics.Topic] = topics.RECORDS_VALIDATED

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    chunk_index: int = Field(ge=0)
    records: list[ValidatedRecord]
    dataset: DatasetKind = "services"


Token = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="Lower-case hex HMAC-SHA256 (64 digits).")]


class IdentifierTokens(Part):
    """Keyed tokens (hex HMAC-SHA256) of a record's identifiers; absent when unusable."""

    nhs_number: Token | None = None
    child_key: Token | None = None
    email: Token | None = None
    mobile: Token | None = None
    provider_record_id: Token | None = None


class CarerTokens(Part):
    """A child's primary carer's tokens: they relate the child to an adult, never identify the child."""

    email: Token | None = None
    mobile: Token | None = None


class MatchKeyTokens(Part):
    """A record's match keys (docs/pseudonymisation-spec.md §3a): keyed tokens of combined fuzzy
    representations, evidence for tolerant linkage, never identifiers; absent when a part is unusable."""

    mk_name_dob: Token | None = None
    mk_prefix_dob_swap: Token | None = None
    mk_carer_email_dob: Token | None = None
    mk_carer_email_name: Token | None = None
    mk_carer_mobile_dob: Token | None = None
    mk_dob_postcode: Token | None = None
    mk_name_postcode: Token | None = None
    mk_full_name_dob: Token | None = None


class KeyedTokens(Part):
    """A record's tokens under one previous key (key rotation); identifiers exactly as in ``tokens``."""

    key_id: str
    tokens: IdentifierTokens
    carer_tokens: CarerTokens = Field(default_factory=CarerTokens)
    match_keys: MatchKeyTokens | None = Field(
        default=None, description="The record's match keys under this key (spec 3a), so fuzzy evidence crosses a "
        "key rotation as identifiers do.")


class PseudonymisedRecord(Part):
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
    linking_tokens: list[KeyedTokens] = Field(
        default_factory=list,
        description="During a key rotation: the same identifiers' tokens under each previous key still in the "
        "keyring, so records tokenised before the rotation link to this one (see docs/pseudonymisation-spec.md).",
    )
    outcome: OutcomeValue | None = Field(default=None, description="Outcome records only: the measurement.")
    match_keys: MatchKeyTokens | None = Field(
        default=None, description="Match keys under the current key (spec §3a), for tolerant linkage; absent from "
        "producers that do not make them (at-source files, for now).")


class RecordsPseudonymisedV1(Event):
    """A chunk of an upload's records with every identifier replaced by its token."""

    TOPIC: ClassVar[topics.Topic] = topics.RECORDS_PSEUDONYMISED

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    chunk_index: int = Field(ge=0)
    spec_version: str
    key_id: str
    records: list[PseudonymisedRecord]
    dataset: DatasetKind = "services"


class MatchedRecord(Part):
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
    findings: list[str] = Field(default_factory=list, description="Data-quality finding codes of the record.")
    identifier_types: list[IdentifierType] = Field(
        default_factory=list, description="Which identifiers the record carried (types only, never values).")


class RecordsMatchedV1(Event):
    """Every record of a chunk resolved to the individual it belongs to."""

    TOPIC: ClassVar[topics.Topic] = topics.RECORDS_MATCHED

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    chunk_index: int = Field(ge=0)
    records: list[MatchedRecord]
    new_individuals: int = Field(ge=0)
    matched_existing: int = Field(ge=0, description="Records joined to an individual known before the chunk.")
    changes: IndividualChanges | None = Field(
        default=None, description="The merges, splits, quarantined identifiers and relationships the chunk caused "
                                  "(also on beneficiaries.events.v2), so a read model applies them together with "
                                  "the records: a figure that includes a record includes every merge it caused.")


class RecordsPseudonymisedAtSourceV1(Event):
    """A chunk of a file the provider pseudonymised at source (tokens only); the pseudonymiser checks key and
    spec, then forwards it as RecordsPseudonymisedV1 or answers AtSourceRejectedV1. Keyed by upload_id."""

    TOPIC: ClassVar[topics.Topic] = topics.RECORDS_AT_SOURCE

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    chunk_index: int = Field(ge=0)
    spec_version: str
    key_id: str
    key_check_value: str = Field(pattern=r"^[0-9a-f]{12}$")
    records: list[PseudonymisedRecord]
    dataset: DatasetKind = "services"


class AtSourceRejectedV1(Event):
    """The pseudonymiser refused a chunk of an at-source upload; the reason names the mismatch, never a value."""

    TOPIC: ClassVar[topics.Topic] = topics.AT_SOURCE_REJECTED

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    chunk_index: int = Field(ge=0)
    code: Literal["unknown_key_id", "key_check_value_mismatch", "unsupported_spec_version"]
    reason: str
