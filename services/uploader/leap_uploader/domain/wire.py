"""The payload of a ``RecordsValidatedV1`` chunk from records already written as JSON (``fast_validation``).

A chunk of a thousand records goes on the wire without building a model for it or its records: this writes the
bytes pydantic would write for the event (a unit test holds the two equal), and
``leap_contracts.envelope.encode(payload, model=RecordsValidatedV1, ...)`` wraps them in the envelope.
"""

from __future__ import annotations

import uuid

from pydantic_core import to_json


def validated_chunk_payload(upload_id: uuid.UUID, provider_id: str, service_code: str, chunk_index: int,
                            records: list[bytes]) -> bytes:
    """``RecordsValidatedV1(...)``'s JSON for records given as ValidatedRecord JSON (a services upload's)."""
    head = b'{"upload_id":"%s","provider_id":%s,"service_code":%s,"chunk_index":%d,"records":[' % (
        str(upload_id).encode(), to_json(provider_id), to_json(service_code), chunk_index)
    return head + b",".join(records) + b'],"dataset":"services"}'
