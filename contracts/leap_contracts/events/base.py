"""The base of every event, and the value types they share.

Every event is a past-tense fact with the version in its name.

Within a version only optional fields may be added; anything else is a new
``...V2`` model on a new topic. Models on restricted topics say so in their
docstring and carry clear personal data; every other model carries none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from leap_contracts.topics import Topic

BeneficiaryType = Literal["child", "adult"]
Gender = Literal["female", "male", "other", "unknown"]
IdentifierType = Literal["nhs_number", "child_key", "email", "mobile", "provider_record_id"]


class Event(BaseModel):
    """Base of every event. Subclasses name their topic; the version is in the class name."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[Topic]

    @classmethod
    def key_of(cls, fields: Mapping[str, Any]) -> str:
        """The Kafka key of an event of this type from its fields (the model's, or its JSON-ready payload): by
        default the fields its topic is keyed by (``Topic.key_of``). An event keyed otherwise overrides this."""
        return cls.TOPIC.key_of(fields)

    def key(self) -> str:
        """This event's Kafka key (the entity whose order matters), as ``Outbox.add`` writes it."""
        return self.key_of(self.__dict__)


class Part(BaseModel):
    """Base of the models events are made of (records, counts)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


