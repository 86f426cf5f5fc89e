"""Events about individuals, for downstream consumers (pseudonymous: references, counts and types only).

``IndividualsChangedV2`` is what the matcher publishes: one event per matched chunk or withdrawal, in the
order the matcher committed them, carrying every match, merge, split, quarantine and relationship change that
chunk made. The V1 events (one message per individual and change, keyed by individual reference) are kept so
that messages already on ``beneficiaries.events.v1`` still read; the matcher no longer publishes them.

The same :class:`IndividualChanges` travel inside ``RecordsMatchedV1`` and ``RecordsWithdrawnV1``, so a read
model can apply a chunk's records together with the merges they caused, in one transaction (merges commute;
splits and relationships do not, so a consumer takes those from this single-partition stream, in order).
"""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import Field

from leap_contracts import topics
from leap_contracts.events.base import Event, IdentifierType, Part

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


class RecordRef(Part):
    """Where a record came from: an upload and a row of its file (no values)."""

    upload_id: uuid.UUID
    row_number: int = Field(ge=1)


class SplitPart(Part):
    individual_ref: str = Field(description="New reference of this part.")
    records: list[RecordRef] = Field(min_length=1)


class IndividualSplitV1(Event):
    """An individual fell apart (its linking records were withdrawn, or an identifier was quarantined).

    The part holding the oldest record (earliest engagement date, then upload id, then row) keeps
    ``individual_ref``; each other part gets a new reference and lists the records it took.
    """

    TOPIC: ClassVar[topics.Topic] = topics.BENEFICIARIES

    individual_ref: str
    parts: list[SplitPart] = Field(min_length=1)
    reason: Literal["upload_withdrawn", "identifier_quarantined"]
    upload_id: uuid.UUID | None = Field(default=None, description="The withdrawn upload, or the one that revealed the "
                                                             "junk identifier.")


class RecordsWithdrawnV1(Event):
    """Every record of an upload left the matcher (withdrawn or replaced). Keyed by upload_id,
    on the same topic as ``RecordsMatchedV1``, so a consumer sees it after the upload's chunks."""

    TOPIC: ClassVar[topics.Topic] = topics.RECORDS_MATCHED

    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    replaced_by: uuid.UUID | None = None
    records: int = Field(ge=0, description="Records removed.")
    removed_refs: list[str] = Field(default_factory=list, description="Individuals left with no record at all.")
    changes: IndividualChanges | None = Field(
        default=None, description="The splits and relationship changes the withdrawal caused (also on "
                                  "beneficiaries.events.v2), so a read model applies them in the same step.")


class RelationshipLinkedV1(Event):
    """A child is related to the adult who is its primary carer (through the carer's e-mail or mobile).
    Siblings share a carer; they are related through it, never merged."""

    TOPIC: ClassVar[topics.Topic] = topics.BENEFICIARIES

    child_ref: str
    carer_ref: str
    relationship: Literal["primary_carer"] = "primary_carer"
    via: list[Literal["email", "mobile"]] = Field(min_length=1)


class RelationshipEndedV1(Event):
    """A child-carer relationship no longer holds: the records or identifiers that made it were withdrawn,
    quarantined as junk, or split off to another individual (which gets its own ``RelationshipLinkedV1``).
    Keyed by the child's reference, like the link."""

    TOPIC: ClassVar[topics.Topic] = topics.BENEFICIARIES

    child_ref: str
    carer_ref: str
    relationship: Literal["primary_carer"] = "primary_carer"
    reason: Literal["upload_withdrawn", "identifier_quarantined"]


class IdentifierQuarantinedV1(Event):
    """A data-quality finding: one identifier tied together implausibly many different people, so it
    no longer links anything. Carries the identifier TYPE and counts only, never the token."""

    TOPIC: ClassVar[topics.Topic] = topics.BENEFICIARIES

    identifier_type: IdentifierType
    records: int = Field(ge=0)
    distinct_birth_months: int = Field(ge=0)
    distinct_providers: int = Field(ge=0)
    upload_id: uuid.UUID = Field(description="The upload whose records crossed the threshold.")
    individual_refs: list[str] = Field(default_factory=list, description="Individuals it held together (before the split).")


class Merge(Part):
    """Several individuals turned out to be one; the merged references now point to the survivor."""

    survivor_ref: str
    merged_refs: list[str] = Field(min_length=1)


class Split(Part):
    """As ``IndividualSplitV1``: the part holding the oldest record keeps ``individual_ref``."""

    individual_ref: str
    parts: list[SplitPart] = Field(min_length=1)
    reason: Literal["upload_withdrawn", "identifier_quarantined"]


class Quarantine(Part):
    """As ``IdentifierQuarantinedV1``: the identifier TYPE and counts, never the token."""

    identifier_type: IdentifierType
    records: int = Field(ge=0)
    distinct_birth_months: int = Field(ge=0)
    distinct_providers: int = Field(ge=0)
    individual_refs: list[str] = Field(default_factory=list, description="Individuals it held together (before the split).")


class Link(Part):
    """As ``RelationshipLinkedV1``."""

    child_ref: str
    carer_ref: str
    relationship: Literal["primary_carer"] = "primary_carer"
    via: list[Literal["email", "mobile"]] = Field(min_length=1)


class Unlink(Part):
    """As ``RelationshipEndedV1``."""

    child_ref: str
    carer_ref: str
    relationship: Literal["primary_carer"] = "primary_carer"
    reason: Literal["upload_withdrawn", "identifier_quarantined"]


class IndividualChanges(Part):
    """What one chunk or withdrawal did to individuals, in the order a consumer applies it: merges, quarantined
    identifiers, splits (re-point the parts' records), ended relationships, new relationships."""

    merged: list[Merge] = Field(default_factory=list)
    quarantined: list[Quarantine] = Field(default_factory=list)
    split: list[Split] = Field(default_factory=list)
    ended: list[Unlink] = Field(default_factory=list)
    linked: list[Link] = Field(default_factory=list)


class MatchedIndividual(Part):
    """Records of the chunk were resolved to this individual (new or existing), as ``IndividualMatchedV1``."""

    individual_ref: str
    records: int = Field(ge=1)
    created: bool
    identifier_types: list[IdentifierType]


class IndividualsChangedV2(Event):
    """Everything one matched chunk (``chunk_index`` set) or one withdrawal (``chunk_index`` null) did to
    individuals. One partition: a consumer reads them in the order the matcher committed them, so applying
    each event's ``matched`` then ``changes`` in turn rebuilds the matcher's picture of every individual."""

    VERSION: ClassVar[int] = 2
    TOPIC: ClassVar[topics.Topic] = topics.BENEFICIARIES_V2

    upload_id: uuid.UUID
    service_code: str
    chunk_index: int | None = Field(default=None, ge=0)
    matched: list[MatchedIndividual] = Field(default_factory=list)
    changes: IndividualChanges = Field(default_factory=IndividualChanges)


RecordsWithdrawnV1.model_rebuild()  # its ``changes`` refers to a model defined below it
