"""One function per message: the inbox claim and the read-model change in one transaction.

Events are dispatched by ``event_type``; types the read model does not use are
acknowledged (recorded in the inbox) and skipped, so a producer adding a new
event to a topic never sends the reporter's messages to the dead-letter topic.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.envelope import Envelope
from leap_contracts.events import EVENT_TYPES, IndividualsMergedV1

from leap_reporter.adapters import aliases, engagements, inbox, lifecycle, read_model_state, upload_quality
from leap_reporter.adapters.consumer import PoisonMessage
from leap_reporter.domain.aliases import plan_merge

log = structlog.get_logger()


def _event(envelope: Envelope):
    model = EVENT_TYPES.get(envelope.event_type)
    if model is None:
        raise PoisonMessage(f"unexpected event type {envelope.event_type}")
    return model.model_validate(envelope.payload)


@dataclass
class ReadModelBuilder:
    pool: asyncpg.Pool

    async def on_records_matched(self, envelope: Envelope) -> None:
        if envelope.event_type not in ("RecordsMatchedV1", "RecordsWithdrawnV1"):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        event = _event(envelope)
        if envelope.event_type == "RecordsMatchedV1" and len({r.row_number for r in event.records}) != len(event.records):
            raise PoisonMessage("a row_number appears twice in one chunk")
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.RECORDS_MATCHED.name):
                return
            await read_model_state.bump(conn)
            if envelope.event_type == "RecordsWithdrawnV1":
                removed = await lifecycle.withdraw(conn, event)
                log.info("engagements.withdrawn", upload_id=str(event.upload_id), rows=removed)
                return
            written = await engagements.upsert_chunk(conn, event)
            await lifecycle.record_match_outcome(conn, event)
        log.info("engagements.stored", upload_id=str(event.upload_id), chunk=event.chunk_index, rows=written)

    async def on_beneficiary_event(self, envelope: Envelope) -> None:
        model = EVENT_TYPES.get(envelope.event_type)
        if model is None:  # a newer producer's event this build does not know: skip, never dead-letter
            log.warning("beneficiaries.unknown_event_type", event_type=envelope.event_type)
            return
        if model.TOPIC is not topics.BENEFICIARIES:
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        handle = _BENEFICIARY_HANDLERS.get(envelope.event_type)
        if handle is None:
            return  # e.g. IndividualMatchedV1: acknowledged, nothing the read model needs
        event = _event(envelope)
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.BENEFICIARIES.name):
                return
            await read_model_state.bump(conn)
            await handle(conn, event)
        log.info("beneficiaries.applied", event_type=envelope.event_type)

    async def on_upload_validated(self, envelope: Envelope) -> None:
        if envelope.event_type != "UploadValidatedV1":
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        event = _event(envelope)
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.UPLOAD_VALIDATED.name):
                return
            await read_model_state.bump(conn)
            await upload_quality.upsert(conn, event, envelope.occurred_at)


async def _merge(conn: asyncpg.Connection, event: IndividualsMergedV1) -> None:
    await aliases.lock(conn)
    plan = plan_merge(event.survivor_ref, event.merged_refs, await aliases.resolve(conn, event.survivor_ref))
    await aliases.apply(conn, plan)


async def _split(conn: asyncpg.Connection, event) -> None:
    await aliases.lock(conn)
    await lifecycle.split(conn, event)


_BENEFICIARY_HANDLERS = {
    "IndividualsMergedV1": _merge,
    "IndividualSplitV1": _split,
    "RelationshipLinkedV1": lifecycle.relate,
    "RelationshipEndedV1": lifecycle.unrelate,
    "IdentifierQuarantinedV1": lifecycle.quarantined,
}
