"""One function per message: the inbox claim and the read-model change in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.envelope import Envelope, open_envelope
from leap_contracts.events import IndividualMatchedV1, IndividualsMergedV1, RecordsMatchedV1, UploadValidatedV1

from leap_reporter.adapters import aliases, engagements, inbox, upload_quality
from leap_reporter.adapters.consumer import PoisonMessage
from leap_reporter.domain.aliases import plan_merge

log = structlog.get_logger()


@dataclass
class ReadModelBuilder:
    pool: asyncpg.Pool

    async def on_records_matched(self, envelope: Envelope) -> None:
        event = open_envelope(envelope)
        if not isinstance(event, RecordsMatchedV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        if len({r.row_number for r in event.records}) != len(event.records):
            raise PoisonMessage("a row_number appears twice in one chunk")
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.RECORDS_MATCHED.name):
                return
            written = await engagements.upsert_chunk(conn, event)
        log.info("engagements.stored", upload_id=str(event.upload_id), chunk=event.chunk_index, rows=written)

    async def on_beneficiary_event(self, envelope: Envelope) -> None:
        event = open_envelope(envelope)
        if isinstance(event, IndividualMatchedV1):
            return  # not used by the read model yet; acknowledged, nothing to record
        if not isinstance(event, IndividualsMergedV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.BENEFICIARIES.name):
                return
            await aliases.lock(conn)
            plan = plan_merge(event.survivor_ref, event.merged_refs, await aliases.resolve(conn, event.survivor_ref))
            await aliases.apply(conn, plan)
        log.info("individuals.merged", upload_id=str(event.upload_id), merged=len(plan.refs))

    async def on_upload_validated(self, envelope: Envelope) -> None:
        event = open_envelope(envelope)
        if not isinstance(event, UploadValidatedV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.UPLOAD_VALIDATED.name):
                return
            await upload_quality.upsert(conn, event)
