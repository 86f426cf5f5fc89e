"""Encode a large event's envelope in one pass.

``encode(seal(event))`` serialises the payload twice (model -> dict, then the
envelope -> JSON). For record chunks (a thousand records each, a thousand
chunks a file) this writes the same bytes in one pass: the envelope fields by
``seal``'s rules, the payload by pydantic's own JSON serialiser. The result
decodes with ``leap_contracts.envelope.decode`` exactly like ``encode(seal(...))``
(a unit test holds the two to the same value).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
from pydantic_core import to_json

from leap_contracts.events import Event, RecordsValidatedV1


def encode_sealed(event: Event, *, producer: str, correlation_id: str, event_id: uuid.UUID | None = None) -> bytes:
    head = _head(type(event), producer, correlation_id, event_id)
    return head + event.__pydantic_serializer__.to_json(event) + b"}"


def encode_validated_chunk(upload_id: uuid.UUID, provider_id: str, service_code: str, chunk_index: int,
                           records: list[bytes], *, producer: str, correlation_id: str,
                           event_id: uuid.UUID | None = None) -> bytes:
    """``encode_sealed(RecordsValidatedV1(...))`` for records already written as ValidatedRecord JSON
    (``fast_validation``): the same bytes, building no model objects (a unit test holds the two equal)."""
    head = _head(RecordsValidatedV1, producer, correlation_id, event_id)
    payload = b'{"upload_id":"%s","provider_id":%s,"service_code":%s,"chunk_index":%d,"records":[' % (
        str(upload_id).encode(), to_json(provider_id), to_json(service_code), chunk_index)
    return head + payload + b",".join(records) + b'],"dataset":"services"}}'


def _head(event_type: type[Event], producer: str, correlation_id: str, event_id: uuid.UUID | None) -> bytes:
    """The envelope up to its payload's value: ``{...,"payload":``."""
    head = orjson.dumps({
        "event_id": str(event_id or uuid.uuid4()),
        "event_type": event_type.__name__,
        "version": event_type.VERSION,
        "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "producer": producer,
        "correlation_id": correlation_id,
    })
    return head[:-1] + b',"payload":'
