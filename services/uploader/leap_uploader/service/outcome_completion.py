"""OutcomesLinkedV1 -> count an outcome extract's linked chunks; all linked -> the upload is completed (the
matcher answers an outcome chunk with this event instead of RecordsMatchedV1). OutcomeLinksChangedV1, on the same
topic, is acknowledged: it changes no upload's progress."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.delivery import inbox
from leap_contracts.delivery.consumer import PoisonMessage
from leap_contracts.envelope import Envelope, open_envelope
from leap_contracts.events import OutcomeLinksChangedV1, OutcomesLinkedV1

from leap_uploader.adapters import uploads

log = structlog.get_logger()


@dataclass
class OutcomeCompletion:
    pool: asyncpg.Pool

    async def on_outcomes_linked(self, envelope: Envelope) -> None:
        if envelope.event_type == OutcomeLinksChangedV1.__name__:
            return  # records of a chunk linked again later: the chunk was counted when it was first linked
        event = open_envelope(envelope)
        if not isinstance(event, OutcomesLinkedV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        upload_id, chunk_index = event.upload_id, event.chunk_index
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.OUTCOMES_LINKED.name):
                return
            upload = await uploads.lock(conn, upload_id)
            if upload is None or upload["status"] not in ("processing", "completed") \
                    or not 0 <= chunk_index < upload["chunk_count"]:
                log.warning("completion.ignored", upload_id=str(upload_id), chunk_index=chunk_index)
                return
            await uploads.mark_chunk_matched(conn, upload_id, chunk_index)
            matched = await uploads.count_matched(conn, upload_id)
            completes = upload["status"] == "processing" and matched >= upload["chunk_count"]
            await uploads.set_matched(conn, upload_id, matched, completed=completes)
        log.info("completion.outcome_chunk_linked", upload_id=str(upload_id), chunk_index=chunk_index,
                 chunks_matched=matched, completed=completes)
