"""The uploader's Kafka handlers: each gets its event typed, inside the message's transaction with its inbox row
already claimed (``leap_contracts.delivery.handlers``; a redelivery never gets here).

- RecordsMatchedV1: count the upload's matched chunks; all matched, the upload is completed.
- OutcomesLinkedV1: the same for an outcome extract (the matcher answers its chunks with this event).
- AtSourceRejectedV1: the pseudonymiser refused an at-source upload, which is rejected with that reason.
- UploadReportableV1: the reporter's published figures include the upload's rows (``reportable_at``).

FileReceivedV1 starts validation, which runs between transactions of its own (``service.validating``).
"""

from __future__ import annotations

import uuid
from types import ModuleType
from typing import Any

import structlog

from leap_contracts.delivery.handlers import UnitOfWork
from leap_contracts.events import AtSourceRejectedV1, OutcomesLinkedV1, UploadReportableV1

from leap_uploader.adapters import uploads

log = structlog.get_logger()


class Completion:
    """``store``: the SQL of uploads (``adapters.uploads``; a fake in unit tests)."""

    def __init__(self, store: ModuleType | Any = uploads) -> None:
        self.store = store

    async def on_records_matched(self, event: Any, uow: UnitOfWork) -> None:
        """``event``: RecordsMatchedV1 as its plain Struct (only its upload and chunk index are read)."""
        await self._chunk_done(uow, event.upload_id, event.chunk_index, "completion.chunk_matched")

    async def on_outcomes_linked(self, event: OutcomesLinkedV1, uow: UnitOfWork) -> None:
        await self._chunk_done(uow, event.upload_id, event.chunk_index, "completion.outcome_chunk_linked")

    async def on_at_source_rejected(self, event: AtSourceRejectedV1, uow: UnitOfWork) -> None:
        rejected = await self.store.reject_processing(uow.conn, event.upload_id, event.reason)
        log.info("completion.at_source_rejected", upload_id=str(event.upload_id), code=event.code, applied=rejected)

    async def on_upload_reportable(self, event: UploadReportableV1, uow: UnitOfWork) -> None:
        applied = await self.store.set_reportable(uow.conn, event.upload_id, event.reportable_at)
        log.info("completion.reportable", upload_id=str(event.upload_id), applied=applied)

    async def _chunk_done(self, uow: UnitOfWork, upload_id: uuid.UUID, chunk_index: int, done: str) -> None:
        """One more of the upload's chunks is finished downstream (counted once, however often it is told)."""
        upload = await self.store.lock(uow.conn, upload_id)
        if upload is None or upload["status"] not in ("processing", "completed"):
            log.warning("completion.ignored", upload_id=str(upload_id), chunk_index=chunk_index,
                        status=upload["status"] if upload else None)
            return
        if not 0 <= chunk_index < upload["chunk_count"]:
            log.warning("completion.chunk_out_of_range", upload_id=str(upload_id), chunk_index=chunk_index,
                        chunk_count=upload["chunk_count"])
            return
        await self.store.mark_chunk_matched(uow.conn, upload_id, chunk_index)
        matched = await self.store.count_matched(uow.conn, upload_id)
        completes = upload["status"] == "processing" and matched >= upload["chunk_count"]
        await self.store.set_matched(uow.conn, upload_id, matched, completed=completes)
        log.info(done, upload_id=str(upload_id), chunk_index=chunk_index, chunks_matched=matched,
                 chunk_count=upload["chunk_count"], completed=completes)
