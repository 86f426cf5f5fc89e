"""Outcome records (docs/outcomes-dataset.md): what one carries, and how they leave the matcher."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from leap_contracts import topics
from leap_contracts.events.base import Event, Gender, Part

DatasetKind = Literal["services", "outcomes"]
"""What an upload carries: contacts with services (the standard dataset, the default) or outcome records."""


class OutcomeValue(Part):
    """One measurement of one child (no identifier): which measure, when, and the result."""

    measure: str = Field(description="A measure code of leap_contracts.outcomes.catalogue.")
    measured_on: date
    result: str = Field(description="The result in its canonical form on the measure's scale.")
    positive: bool = Field(description="Whether the result counts in the measure's numerator.")


class LinkedOutcome(Part):
    row_number: int = Field(ge=1)
    individual_ref: str | None = Field(
        default=None, description="The individual whose tokens the record carries; None when it links to no one "
                                  "(or bridges several, see findings).")
    subject_ref: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{32}$",
        description="The same for every record of one child in one extract (a shortened provider record token).")
    outcome: OutcomeValue
    birth_month: str | None = None
    gender: Gender | None = None
    ward_code: str | None = None
    ward_name: str | None = None
    findings: list[str] = Field(default_factory=list, description="Data-quality finding codes, e.g. "
                                "outcome_bridges_individuals, outcome_unlinkable.")


class OutcomesLinkedV1(Event):
    """An outcome upload's chunk, each record with the individual it links to. Never reach or engagement."""

    TOPIC: ClassVar[topics.Topic] = topics.OUTCOMES_LINKED

    upload_id: uuid.UUID
    provider_id: str
    source_code: str
    chunk_index: int = Field(ge=0)
    records: list[LinkedOutcome]
    linked: int = Field(ge=0)
    unlinked: int = Field(ge=0)
    bridging: int = Field(ge=0, description="Records whose tokens belong to several individuals: not linked.")


class OutcomeLink(Part):
    """An outcome record's link as it now stands (its measure, date and result are unchanged)."""

    row_number: int = Field(ge=1)
    individual_ref: str | None = Field(
        default=None, description="The individual the record now links to; None when it links to no one.")
    bridges: bool = Field(default=False, description="Its tokens now belong to several individuals: not linked, "
                                                     "and the finding outcome_bridges_individuals.")


class OutcomeLinksChangedV1(Event):
    """Records of an outcome chunk (published before, as OutcomesLinkedV1, on the same topic and key) whose link
    changed because a service chunk or a withdrawal changed who owns one of their tokens: a later service file
    engaged the child, individuals merged or split. Only the changed records; the counts are the chunk's, all
    records, after the change. Never reach or engagement."""

    TOPIC: ClassVar[topics.Topic] = topics.OUTCOMES_LINKED

    upload_id: uuid.UUID
    chunk_index: int = Field(ge=0)
    changed: list[OutcomeLink] = Field(min_length=1)
    linked: int = Field(ge=0)
    unlinked: int = Field(ge=0)
    bridging: int = Field(ge=0)
