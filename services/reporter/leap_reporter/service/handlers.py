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
from leap_contracts.delivery import inbox
from leap_contracts.delivery.consumer import PoisonMessage
from leap_contracts.envelope import Envelope
from leap_contracts.events import (EVENT_TYPES, AtSourceRejectedV1, FileReceivedV1, IndividualsMergedV1,
                                   RecordsMatchedV1, RecordsWithdrawnV1, UploadWithdrawnV1)
from leap_contracts.plain import open_plain, receiver

from leap_reporter.adapters import (aliases, engagements, lifecycle, linkage, outcome_records, progress,
                                    read_model_state, upload_quality)
from leap_reporter.domain.aliases import plan_merge

log = structlog.get_logger()
RECEIVE_MATCHED = receiver(RecordsMatchedV1)
"""How the consumer reads matching.records-matched: a chunk's envelope and plain payload in one pass."""


def _event(envelope: Envelope):
    model = EVENT_TYPES.get(envelope.event_type)
    if model is None:
        raise PoisonMessage(f"unexpected event type {envelope.event_type}")
    return model.model_validate(envelope.payload)


@dataclass
class ReadModelBuilder:
    pool: asyncpg.Pool

    async def on_records_matched(self, envelope: Envelope) -> None:
        """A chunk's records with the changes they caused (received plain, see ``RECEIVE_MATCHED``), or a
        withdrawal: applied together in one transaction, so no figure holds a record without its merges."""
        if envelope.event_type == "RecordsWithdrawnV1":
            await self._withdrawn(_event(envelope), envelope)
            return
        try:
            event = open_plain(envelope, RecordsMatchedV1)
        except ValueError as exc:
            raise PoisonMessage(f"unexpected event type {envelope.event_type}") from exc
        if len({r.row_number for r in event.records}) != len(event.records):
            raise PoisonMessage("a row_number appears twice in one chunk")
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.RECORDS_MATCHED.name):
                return
            written = await engagements.upsert_chunk(conn, event)
            await lifecycle.record_match_outcome(conn, event)
            if event.changes is not None:
                await _apply_merges(conn, event.upload_id, event.changes)
            version = await read_model_state.bump(conn)  # last: the version row is locked until commit
            await progress.chunk_applied(conn, event.upload_id, event.provider_id, event.service_code,
                                         version=version)
        log.info("engagements.stored", upload_id=str(event.upload_id), chunk=event.chunk_index, rows=written)

    async def _withdrawn(self, event: RecordsWithdrawnV1, envelope: Envelope) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.RECORDS_MATCHED.name):
                return
            removed = await lifecycle.withdraw(conn, event)
            removed += await outcome_records.withdraw(conn, event.upload_id)  # an outcome extract's records
            await linkage.withdraw(conn, event.upload_id)  # its records' tolerant individuals
            await progress.close(conn, event.upload_id, "withdrawn")
            await read_model_state.bump(conn)
        log.info("engagements.withdrawn", upload_id=str(event.upload_id), rows=removed)

    async def on_beneficiary_event(self, envelope: Envelope) -> None:
        """The retired V1 stream (one event per individual and change): read so that a rebuild from topics
        written before ``RecordsMatchedV1`` carried its changes still ends with every merge and split."""
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
            await handle(conn, event)
            await read_model_state.bump(conn)
        log.info("beneficiaries.applied", event_type=envelope.event_type)

    async def on_individuals_changed(self, envelope: Envelope) -> None:
        """Splits, ended and new relationships, in the order the matcher committed them (one partition): a link
        and its end, or a split and a later link, must not swap as events on several partitions could."""
        if envelope.event_type != "IndividualsChangedV2":
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        changes = _event(envelope).changes
        if not (changes.split or changes.ended or changes.linked):
            return  # acknowledged by the consumer's commit; nothing the read model keeps
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.BENEFICIARIES_V2.name):
                return
            if changes.split:
                await aliases.lock(conn)
            for split in changes.split:
                await lifecycle.split(conn, split)
            for ended in changes.ended:
                await lifecycle.unrelate(conn, ended)
            await lifecycle.relate_all(conn, changes.linked)
            await read_model_state.bump(conn)

    async def on_upload_validated(self, envelope: Envelope) -> None:
        if envelope.event_type != "UploadValidatedV1":
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        event = _event(envelope)
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.UPLOAD_VALIDATED.name):
                return
            await upload_quality.upsert(conn, event, envelope.occurred_at)
            version = await read_model_state.bump(conn)
            await progress.validated(conn, event.upload_id, event.provider_id, event.service_code,
                                     chunk_count=event.chunk_count, rejected=event.outcome == "rejected",
                                     version=version)
            if event.dataset == "outcomes":  # its chunks are outcome chunks (outcome_records), not matched records
                await outcome_records.recount(conn, event.upload_id, version)

    async def on_upload_lifecycle(self, envelope: Envelope) -> None:
        """Received, withdrawal asked for, or refused at source: where the upload is on its way (the watermark)."""
        event = _event(envelope)
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, event.TOPIC.name):
                return
            match event:
                case FileReceivedV1():
                    await progress.received(conn, event.upload_id, event.provider_id, event.service_code,
                                            event.received_at)
                case UploadWithdrawnV1():
                    await progress.close(conn, event.upload_id, "withdrawing")
                case AtSourceRejectedV1():
                    await progress.close(conn, event.upload_id, "rejected")
                case _:
                    raise PoisonMessage(f"unexpected event type {envelope.event_type}")


async def _apply_merges(conn: asyncpg.Connection, upload_id, changes) -> None:
    """With the chunk's records: the merges they caused (merges commute, so chunks may arrive in any order) and
    the identifiers found junk (counts per upload). Splits and relationships do not commute: they come in the
    matcher's commit order from beneficiaries.events.v2 (``on_individuals_changed``)."""
    if changes.merged:
        await aliases.lock(conn)
    for merge in changes.merged:
        plan = plan_merge(merge.survivor_ref, merge.merged_refs, await aliases.resolve(conn, merge.survivor_ref))
        await aliases.apply(conn, plan)
    for finding in changes.quarantined:
        await lifecycle.finding(conn, upload_id, finding.identifier_type, finding.records)


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
