"""RecordsMatchedV1 -> count the upload's matched chunks; all matched -> the upload is completed.
AtSourceRejectedV1 -> the pseudonymiser refused an at-source upload: it is rejected with that reason.
UploadReportableV1 -> the reporter's published figures include the upload's rows: ``reportable_at``."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.delivery import inbox
from leap_contracts.delivery.consumer import PoisonMessage
from leap_contracts.envelope import Envelope, open_envelope
from leap_contracts.events import AtSourceRejectedV1, RecordsMatchedV1, UploadReportableV1
from leap_contracts.plain import open_plain, receiver

from leap_uploader.adapters import uploads

log = structlog.get_logger()
RECEIVE_MATCHED = receiver(RecordsMatchedV1)
"""How the consumer reads matching.records-matched: a chunk in one pass (only its upload and index are used)."""


@dataclass
class Completion:
    pool: asyncpg.Pool

    async def on_records_matched(self, envelope: Envelope) -> None:
        if envelope.event_type != "RecordsMatchedV1":
            log.info("completion.skipped", event_type=envelope.event_type)  # e.g. RecordsWithdrawnV1
            return
        try:
            event = open_plain(envelope, RecordsMatchedV1)
        except ValueError as exc:
            raise PoisonMessage(f"invalid {envelope.event_type}") from exc
        upload_id = event.upload_id
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.RECORDS_MATCHED.name):
                return
            upload = await uploads.lock(conn, upload_id)
            if upload is None or upload["status"] not in ("processing", "completed"):
                log.warning("completion.ignored", upload_id=str(upload_id), chunk_index=event.chunk_index,
                            status=upload["status"] if upload else None)
                return
            if event.chunk_index >= upload["chunk_count"]:
                log.warning("completion.chunk_out_of_range", upload_id=str(upload_id), chunk_index=event.chunk_index,
                            chunk_count=upload["chunk_count"])
                return
            await uploads.mark_chunk_matched(conn, upload_id, event.chunk_index)
            matched = await uploads.count_matched(conn, upload_id)
            completes = upload["status"] == "processing" and matched >= upload["chunk_count"]
            await uploads.set_matched(conn, upload_id, matched, completed=completes)
        log.info("completion.chunk_matched", upload_id=str(upload_id), chunk_index=event.chunk_index,
                 chunks_matched=matched, chunk_count=upload["chunk_count"], completed=completes)

    async def on_at_source_rejected(self, envelope: Envelope) -> None:
        event = open_envelope(envelope)
        if not isinstance(event, AtSourceRejectedV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.AT_SOURCE_REJECTED.name):
                return
            rejected = await uploads.reject_processing(conn, event.upload_id, event.reason)
        log.info("completion.at_source_rejected", upload_id=str(event.upload_id), code=event.code, applied=rejected)

    async def on_upload_reportable(self, envelope: Envelope) -> None:
        event = open_envelope(envelope)
        if not isinstance(event, UploadReportableV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.UPLOAD_REPORTABLE.name):
                return
            applied = await uploads.set_reportable(conn, event.upload_id, event.reportable_at)
        log.info("completion.reportable", upload_id=str(event.upload_id), applied=applied)
