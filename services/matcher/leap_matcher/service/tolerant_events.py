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


def relinked(topic_prefix: str, upload_id: uuid.UUID, assignments: Sequence[Assignment],
             correlation_id: str) -> list[Message]:
    """One event per ``topics.CHUNK_SIZE`` assignments, keyed by the upload whose change caused them."""
    topic = topics.TOLERANT_RELINKED.full_name(topic_prefix)
    messages = []
    for start in range(0, len(assignments), topics.CHUNK_SIZE):
        records = [TolerantAssignment(upload_id=a.upload_id, row_number=a.row_number, tolerant_ref=a.tolerant_ref,
                                      version=a.version) for a in assignments[start:start + topics.CHUNK_SIZE]]
        event = TolerantRecordsRelinkedV1(upload_id=upload_id, records=records)
        messages.append((topic, str(upload_id), seal(event, producer=PRODUCER, correlation_id=correlation_id)))
    return messages
