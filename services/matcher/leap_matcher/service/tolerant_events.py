"""The events tolerant linkage publishes (through the outbox, in the linking transaction): the records whose
tolerant individual changed, with their pseudonymous references and versions (no tokens, no record ids of
the matcher's own)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from leap_contracts import topics
from leap_contracts.envelope import Envelope, seal
from leap_contracts.events import TolerantAssignment, TolerantRecordsRelinkedV1

from leap_matcher.adapters.tolerant_refs import Assignment

PRODUCER = "matcher"
Message = tuple[str, str, Envelope]


def relinked_events(upload_id: uuid.UUID, assignments: Sequence[Assignment]) -> list[TolerantRecordsRelinkedV1]:
    """One event per ``topics.CHUNK_SIZE`` assignments, for the upload whose change caused them (their key)."""
    return [TolerantRecordsRelinkedV1(upload_id=upload_id, records=[
        TolerantAssignment(upload_id=a.upload_id, row_number=a.row_number, tolerant_ref=a.tolerant_ref, version=a.version)
        for a in assignments[start:start + topics.CHUNK_SIZE]]) for start in range(0, len(assignments), topics.CHUNK_SIZE)]


def relinked(topic_prefix: str, upload_id: uuid.UUID, assignments: Sequence[Assignment],
             correlation_id: str) -> list[Message]:
    """:func:`relinked_events` as (topic, key, envelope) messages, for ``leap_contracts.delivery.outbox.add``."""
    topic = topics.TOLERANT_RELINKED.full_name(topic_prefix)
    return [(topic, str(upload_id), seal(event, producer=PRODUCER, correlation_id=correlation_id))
            for event in relinked_events(upload_id, assignments)]
