"""FileReceivedV1 -> validate the file -> record chunks + UploadValidatedV1, in one transaction.

1. A short transaction marks the upload ``validating`` (visible to the provider).
2. The stored file is decrypted to a temporary file and validated in a worker thread.
3. One transaction writes everything: inbox row, problems (COPY), record chunks
   and UploadValidatedV1 (outbox), final status and counts, and deletes the
   stored file. A crash before it commits leaves the upload ``validating`` and
   the redelivered event starts again from scratch. When PostgreSQL refuses it
   for want of storage (disk full, a tablespace it cannot write), a second,
   small transaction marks the upload ``failed`` with the reason and drops the
   file; sending the same file again starts it anew.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass

import asyncpg
import structlog
from cryptography.exceptions import InvalidTag

from leap_contracts.delivery.consumer import PoisonMessage
from leap_contracts.delivery.handlers import Handlers
from leap_contracts.delivery.inbox import claim
from leap_contracts.envelope import Envelope, open_envelope
from leap_contracts.events import FileReceivedV1, ProblemCount, UploadValidatedV1

from leap_uploader.adapters import raw_files, uploads
from leap_uploader.adapters.encryption import FileCipher
from leap_uploader.adapters.storage import storage_refused
from leap_uploader.adapters.xlsx_bounded import DEFAULT_MEMORY_BYTES
from leap_uploader.domain.at_source import AtSource
from leap_uploader.domain.mapping import IDENTITY, Mapping
from leap_uploader.service import replacement
from leap_uploader.service.validation_run import Outcome, UploadRef, run_validation

log = structlog.get_logger()
NOT_STORED = ("The platform could not store this file's results (its database storage was full or could not be "
              "written), so nothing of it was kept: send the same file again once the platform says it is ready.")


@dataclass
class Validation:
    handlers: Handlers
    """Its units of work: a transaction with the service's outbox (producer and topic prefix)."""
    cipher: FileCipher
    max_rejected_share: float = 0.5
    max_xlsx_expanded_bytes: int = 2 * 1024 ** 3
    temp_dir: str | None = None
    xlsx_memory_bytes: int = DEFAULT_MEMORY_BYTES

    @property
    def pool(self) -> asyncpg.Pool:
        return self.handlers.pool

    async def on_file_received(self, envelope: Envelope) -> None:
        """Subscribed at the envelope level (not through ``handlers.on``): validation runs between transactions of
        its own, so the upload shows ``validating`` meanwhile and none stays open for the minutes a file may take;
        the last one claims the inbox."""
        event = open_envelope(envelope)
        if not isinstance(event, FileReceivedV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        upload_id = event.upload_id
        async with self.pool.acquire() as conn, conn.transaction():
            started = await uploads.start_validating(conn, upload_id)
            if not started:  # already validated: a redelivery
                if await uploads.lock(conn, upload_id) is None:
                    raise PoisonMessage("FileReceivedV1 names an upload this service does not have")
                await claim(conn, envelope.event_id, FileReceivedV1.TOPIC.name)
                return
        row = await uploads.to_validate(self.pool, upload_id)
        upload = UploadRef(upload_id, row["provider_id"], row["service_code"], row["file_format"], row["dataset"])
        mapping = Mapping.model_validate_json(row["mapping"]) if row["mapping"] else IDENTITY
        log.info("validation.started", upload_id=str(upload_id), file_format=upload.file_format,
                 mapped=row["mapping"] is not None)
        at_source = AtSource.from_json(row["at_source"]) if row["at_source"] else None
        outcome = await self._validate(upload, envelope.correlation_id, mapping, at_source)
        try:
            await self._commit(envelope, upload, outcome)
        except Exception as exc:
            if not storage_refused(exc):
                raise
            await self._fail(envelope, upload, exc)  # itself refused: the consumer waits and redelivers
        finally:
            outcome.close()

    async def _fail(self, envelope: Envelope, upload: UploadRef, cause: BaseException) -> None:
        """The results could not be stored: the upload is 'failed' and its file is dropped, nothing half-kept."""
        async with self.pool.acquire() as conn, conn.transaction():
            current = await uploads.lock(conn, upload.upload_id)
            if not await claim(conn, envelope.event_id, FileReceivedV1.TOPIC.name):
                return
            if current["status"] != "validating":
                return
            await uploads.fail(conn, upload.upload_id, NOT_STORED)
            await raw_files.delete(conn, upload.upload_id)
        log.warning("validation.storage_refused", upload_id=str(upload.upload_id), error=type(cause).__name__)

    async def _validate(self, upload: UploadRef, correlation_id: str, mapping: Mapping,
                        at_source: AtSource | None = None) -> Outcome:
        with tempfile.TemporaryFile(dir=self.temp_dir) as plain:
            try:
                async with self.pool.acquire() as conn:
                    found = await raw_files.load(conn, upload.upload_id, self.cipher, plain)
            except InvalidTag:
                raise PoisonMessage("stored file fails authentication (altered, or UPLOADER_STORAGE_KEY changed)") from None
            if not found:
                raise PoisonMessage("the upload's stored file is missing")
            return await asyncio.to_thread(
                run_validation, plain, upload, correlation_id=correlation_id, topic_prefix=self.handlers.topic_prefix,
                max_rejected_share=self.max_rejected_share, max_xlsx_expanded_bytes=self.max_xlsx_expanded_bytes,
                temp_dir=self.temp_dir, mapping=mapping, at_source=at_source,
                xlsx_memory_bytes=self.xlsx_memory_bytes,
            )

    async def _commit(self, envelope: Envelope, upload: UploadRef, outcome: Outcome) -> None:
        tally, accepted = outcome.tally, outcome.reason is None
        async with self.handlers.unit_of_work(envelope.correlation_id, envelope=envelope) as uow:
            conn = uow.conn
            current = await uploads.lock(conn, upload.upload_id)
            if not await claim(conn, envelope.event_id, FileReceivedV1.TOPIC.name):
                return
            if current["status"] != "validating":  # a concurrent delivery finished first
                return
            await uploads.replace_problems(conn, upload.upload_id, outcome.problems)
            if accepted and current["replaces"] is not None:  # withdraw the old rows before the new ones go on
                await replacement.withdraw(uow, current["replaces"], upload.upload_id)
            if accepted and outcome.records is not None:
                await uow.outbox.copy_in(outcome.records)
            summary = UploadValidatedV1(
                upload_id=upload.upload_id, provider_id=upload.provider_id, service_code=upload.service_code,
                outcome="accepted" if accepted else "rejected", rejection_reason=outcome.reason,
                rows_total=tally.rows_total, rows_accepted=tally.rows_accepted, rows_rejected=tally.rows_rejected,
                chunk_count=tally.chunk_count if accepted else 0, dataset=upload.dataset,
                problems=[ProblemCount(code=code, column=column, severity=severity, rows=rows)
                          for (code, column, severity), rows in sorted(tally.problems.items(), key=_problem_order)],
            )
            uow.outbox.add(summary)
            await uploads.finish_validation(
                conn, upload.upload_id, status="processing" if accepted else "rejected",
                rows_total=tally.rows_total, rows_accepted=tally.rows_accepted, rows_rejected=tally.rows_rejected,
                chunk_count=summary.chunk_count, reason=outcome.reason,
            )
            await raw_files.delete(conn, upload.upload_id)  # records are queued (or the file is refused): drop it
        log.info("validation.finished", upload_id=str(upload.upload_id), outcome=summary.outcome,
                 rows_total=tally.rows_total, rows_accepted=tally.rows_accepted, rows_rejected=tally.rows_rejected,
                 chunk_count=summary.chunk_count)


def _problem_order(item: tuple[tuple[str, str | None, str], int]) -> tuple:
    (code, column, severity), rows = item
    return (severity, -rows, code, column or "")
