"""One envelope for every message on every topic, and its wire format.

A Kafka value is the JSON of an :class:`Envelope`, written by :func:`encode` (the one
encoder: an envelope, an event, or a payload already in its model's JSON form). The
payload is the event model's JSON; :func:`open_envelope` turns it back into the model
named by ``event_type``. Consumers use :func:`receive`, which does both in one pass
(``leap_contracts.plain.receiver``: the same into plain Structs, for hot topics);
``leap_contracts.delivery.handlers`` picks the reader and hands handlers the event.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Union, cast, overload

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from leap_contracts.events import EVENT_TYPES
from leap_contracts.events.base import Event


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID = Field(description="Unique per event; consumers dedupe on it.")
    event_type: str = Field(description="Model name, version included, e.g. FileReceivedV1.")
    version: int = Field(ge=1, description="Schema version of the payload (the V-number).")
    occurred_at: datetime
    producer: str = Field(description="Service that produced the event.")
    correlation_id: str = Field(description="Ties together everything caused by one upload.")
    payload: dict[str, Any]


class UnknownEventType(ValueError):
    pass


def seal(event: Event, *, producer: str, correlation_id: str, event_id: uuid.UUID | None = None) -> Envelope:
    """Wrap an event in its envelope."""
    return Envelope(
        event_id=event_id or uuid.uuid4(),
        event_type=type(event).__name__,
        version=event.VERSION,
        occurred_at=datetime.now(UTC),
        producer=producer,
        correlation_id=correlation_id,
        payload=event.model_dump(mode="json"),
    )


@overload
def encode(message: Envelope) -> bytes: ...
@overload
def encode(message: Event, *, producer: str, correlation_id: str, event_id: uuid.UUID | None = None) -> bytes: ...
@overload
def encode(message: Mapping[str, Any] | bytes, *, model: type[Event], producer: str, correlation_id: str,
           event_id: uuid.UUID | None = None) -> bytes: ...


def encode(message: Envelope | Event | Mapping[str, Any] | bytes, *, model: type[Event] | None = None,
           producer: str | None = None, correlation_id: str | None = None, event_id: uuid.UUID | None = None) -> bytes:
    """The wire bytes of a message; every encoder of the platform is this one, and :func:`decode`/:func:`receive`
    read what it writes.

    - an :class:`Envelope` (e.g. from :func:`seal`): as it is;
    - an event, with ``producer`` and ``correlation_id``: sealed and encoded in one pass (the payload by the
      model's own JSON serialiser, never through a dict);
    - the fast path, with ``model``: a payload already in ``model``'s JSON form, a JSON-ready dict or its JSON
      bytes, building no model objects (a chunk's events, by the thousand). The caller answers for the
      payload: test it against the model.
    """
    if isinstance(message, Envelope):
        # orjson writes the envelope's UUID and UTC datetime exactly as pydantic's JSON mode would
        # (tested), several times faster; the payload is JSON-ready already (or, received, an event model).
        return orjson.dumps(message.__dict__, option=orjson.OPT_UTC_Z, default=_event_json)
    if producer is None or correlation_id is None:
        raise TypeError("encode(event) needs producer and correlation_id")
    if isinstance(message, Event):
        return _head(type(message), producer, correlation_id, event_id) + message.__pydantic_serializer__.to_json(
            message) + b"}"
    if model is None:
        raise TypeError("encode(payload) needs the payload's model")
    if isinstance(message, bytes):
        return _head(model, producer, correlation_id, event_id) + message + b"}"
    return orjson.dumps({"event_id": event_id or uuid.uuid4(), "event_type": model.__name__, "version": model.VERSION,
                         "occurred_at": datetime.now(UTC), "producer": producer, "correlation_id": correlation_id,
                         "payload": message}, option=orjson.OPT_UTC_Z)


def _head(model: type[Event], producer: str, correlation_id: str, event_id: uuid.UUID | None) -> bytes:
    """The envelope up to its payload's value: ``{...,"payload":``."""
    head = orjson.dumps({"event_id": event_id or uuid.uuid4(), "event_type": model.__name__, "version": model.VERSION,
                         "occurred_at": datetime.now(UTC), "producer": producer, "correlation_id": correlation_id},
                        option=orjson.OPT_UTC_Z)
    return head[:-1] + b',"payload":'


def sealed(model: type[Event], payload: dict[str, Any], *, producer: str, correlation_id: str) -> bytes:
    """``encode(payload, model=model, ...)``, the fast path (kept for its callers)."""
    return encode(payload, model=model, producer=producer, correlation_id=correlation_id)


def _event_json(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(type(value).__name__)


def decode(raw: bytes) -> Envelope:
    """Parse the wire bytes; raises ``ValueError`` (pydantic or orjson) on anything malformed."""
    return Envelope.model_validate(orjson.loads(raw))


def _typed(model: type[Event]) -> type[Envelope]:
    """The envelope of one event type, its payload validated as that model."""
    return create_model(f"{model.__name__}Envelope", __base__=Envelope,
                        event_type=(cast(Any, Literal)[model.__name__], ...), payload=(model, ...))


# Types computed at run time (a type checker reads Literal's, Union's and Annotated's arguments statically,
# hence the casts): every event's typed envelope, told apart by event_type.
_TYPED: TypeAdapter[Envelope] = TypeAdapter(cast(Any, Annotated)[
    cast(Any, Union)[tuple(_typed(m) for m in EVENT_TYPES.values())], Field(discriminator="event_type")])


def receive(raw: bytes) -> Envelope:
    """Parse the wire bytes as a consumer does: envelope and payload validated in one pass from the JSON
    (about twice as fast as :func:`decode` then :func:`open_envelope`), the payload already its event model.
    A message that is not a valid event comes back as :func:`decode` reads it (or its error), so that
    :func:`open_envelope` reports what is wrong with the payload exactly as it always has."""
    try:
        return _TYPED.validate_json(raw)
    except ValidationError:
        return decode(raw)


def open_envelope(envelope: Envelope) -> Event:
    """The typed event inside an envelope."""
    if isinstance(envelope.payload, Event):
        return envelope.payload
    model = EVENT_TYPES.get(envelope.event_type)
    if model is None:
        raise UnknownEventType(envelope.event_type)
    return model.model_validate(envelope.payload)
