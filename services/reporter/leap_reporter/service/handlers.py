"""The read model's Kafka handlers: each gets its typed event inside the message's transaction, its inbox row
already claimed (``leap_contracts.delivery.handlers``), and changes the read model through the adapters.

Event types the read model does not use are acknowledged and skipped (``Handlers.ignore``), so a producer adding
an event to a topic never sends the reporter's messages to the dead-letter topic; any other type is poison.
Each class below declares its handlers on a :class:`Handlers` (``register``) and has one entry point per topic
(``on_<topic>(envelope)``): what the consumer calls (:func:`read_model_subscriptions`), and the tests too.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.delivery.consumer import Handler, PoisonMessage
from leap_contracts.delivery.handlers import Handlers, UnitOfWork
from leap_contracts.envelope import Envelope
from leap_contracts.events import (EVENT_TYPES, AtSourceRejectedV1, FileReceivedV1, IdentifierQuarantinedV1,
                                   IndividualSplitV1, IndividualsChangedV2, IndividualsMergedV1, RecordsMatchedV1,
                                   RecordsWithdrawnV1, RelationshipEndedV1, RelationshipLinkedV1, UploadValidatedV1,
                                   UploadWithdrawnV1)
from leap_contracts.topics import Topic

from leap_reporter.adapters import (alias_table, engagements, lifecycle, outcome_records, progress, read_model_state,
                                    tolerant_linkage, upload_quality)
from leap_reporter.domain.aliases import plan_merge

log = structlog.get_logger()
PRODUCER = "reporter"


@dataclass
class TopicEntries:
    """A set of typed handlers on their own :class:`Handlers`, delivered to through per-topic entry points."""

    pool: asyncpg.Pool | None
    handlers: Handlers = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.handlers = Handlers(self.pool, producer=PRODUCER)  # type: ignore[arg-type]  (None: declared only)
        self.register(self.handlers)

    def register(self, handlers: Handlers) -> None:
        raise NotImplementedError

    def entries(self) -> list[tuple[Topic, Handler]]:
        """(topic, envelope handler) for every topic handled, for ``leap_contracts.delivery.runtime.messaging``."""
        return self.handlers.subscriptions


@dataclass
class ReadModelBuilder(TopicEntries):
    """Matched records, merges and splits, and where each upload is (the watermark)."""

    def register(self, handlers: Handlers) -> None:
        handlers.on(RecordsMatchedV1, self.chunk_matched, plain=True)  # the hot topic, read in one pass
        handlers.on(RecordsWithdrawnV1, self.records_withdrawn)
        handlers.on(IndividualsChangedV2, self.individuals_changed)
        for model, apply in _BENEFICIARY_V1.items():
            handlers.on(model, _applied_v1(apply))
        handlers.ignore(*(m for m in EVENT_TYPES.values() if m.TOPIC is topics.BENEFICIARIES and m not in _BENEFICIARY_V1),
                        unknown_on=topics.BENEFICIARIES)  # e.g. IndividualMatchedV1; a newer producer's types
        handlers.on(UploadValidatedV1, self.upload_validated)
        handlers.on(FileReceivedV1, self.file_received)
        handlers.on(UploadWithdrawnV1, self.upload_withdrawn)
        handlers.on(AtSourceRejectedV1, self.rejected_at_source)

    def entries(self) -> list[tuple[Topic, Handler]]:
        return [(topic, self.on_individuals_changed if topic is topics.BENEFICIARIES_V2 else handle)
                for topic, handle in self.handlers.subscriptions]

    async def on_records_matched(self, envelope: Envelope) -> None:
        await self.handlers.deliver(envelope, topics.RECORDS_MATCHED)

    async def on_beneficiary_event(self, envelope: Envelope) -> None:
        """The retired V1 stream (one event per individual and change): read so that a rebuild from topics
        written before ``RecordsMatchedV1`` carried its changes still ends with every merge and split."""
        await self.handlers.deliver(envelope, topics.BENEFICIARIES)

    async def on_individuals_changed(self, envelope: Envelope) -> None:
        """The fast path of the topic every chunk also announces its matches on: an event with no split, ended or
        new relationship (nearly all) is acknowledged by the consumer's commit, without a transaction."""
        if envelope.event_type == IndividualsChangedV2.__name__ and not _keeps_anything(envelope.payload):
            return
        await self.handlers.deliver(envelope, topics.BENEFICIARIES_V2)

    async def on_upload_validated(self, envelope: Envelope) -> None:
        await self.handlers.deliver(envelope, topics.UPLOAD_VALIDATED)

    async def on_upload_lifecycle(self, envelope: Envelope) -> None:
        """Received, withdrawal asked for, or refused at source (each on its own topic)."""
        model = EVENT_TYPES.get(envelope.event_type)
        if model not in (FileReceivedV1, UploadWithdrawnV1, AtSourceRejectedV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        await self.handlers.deliver(envelope, model.TOPIC)

    async def chunk_matched(self, event: Any, uow: UnitOfWork) -> None:
        """A chunk's records (plain: ``leap_contracts.plain``'s Struct) with the merges they caused, applied in
        one transaction, so no figure holds a record without its merges."""
        if len({r.row_number for r in event.records}) != len(event.records):
            raise PoisonMessage("a row_number appears twice in one chunk")
        conn = uow.conn
        written = await engagements.upsert_chunk(conn, event)
        await lifecycle.record_match_outcome(conn, event)
        if event.changes is not None:
            await _apply_merges(conn, event.upload_id, event.changes)
        version = await read_model_state.bump(conn)  # last: the version row is locked until commit
        await progress.chunk_applied(conn, event.upload_id, event.provider_id, event.service_code, version=version)
        log.info("engagements.stored", upload_id=str(event.upload_id), chunk=event.chunk_index, rows=written)

    async def records_withdrawn(self, event: RecordsWithdrawnV1, uow: UnitOfWork) -> None:
        removed = await lifecycle.withdraw(uow.conn, event)
        removed += await outcome_records.withdraw(uow.conn, event.upload_id)  # an outcome extract's records
        await tolerant_linkage.withdraw(uow.conn, event.upload_id)  # its records' tolerant individuals
        await progress.close(uow.conn, event.upload_id, "withdrawn")
        await read_model_state.bump(uow.conn)
        log.info("engagements.withdrawn", upload_id=str(event.upload_id), rows=removed)

    async def individuals_changed(self, event: IndividualsChangedV2, uow: UnitOfWork) -> None:
        """Splits, ended and new relationships, in the order the matcher committed them (one partition): a link
        and its end, or a split and a later link, must not swap as events on several partitions could."""
        changes = event.changes
        if changes.split:
            await alias_table.lock(uow.conn)
        for split in changes.split:
            await lifecycle.split(uow.conn, split)
        for ended in changes.ended:
            await lifecycle.unrelate(uow.conn, ended)
        await lifecycle.relate_all(uow.conn, changes.linked)
        await read_model_state.bump(uow.conn)

    async def upload_validated(self, event: UploadValidatedV1, uow: UnitOfWork) -> None:
        assert uow.envelope is not None  # a message's unit of work
        await upload_quality.upsert(uow.conn, event, uow.envelope.occurred_at)
        version = await read_model_state.bump(uow.conn)
        await progress.validated(uow.conn, event.upload_id, event.provider_id, event.service_code,
                                 chunk_count=event.chunk_count, rejected=event.outcome == "rejected", version=version)
        if event.dataset == "outcomes":  # its chunks are outcome chunks (outcome_records), not matched records
            await outcome_records.recount(uow.conn, event.upload_id, version)

    async def file_received(self, event: FileReceivedV1, uow: UnitOfWork) -> None:
        await progress.received(uow.conn, event.upload_id, event.provider_id, event.service_code, event.received_at)

    async def upload_withdrawn(self, event: UploadWithdrawnV1, uow: UnitOfWork) -> None:
        await progress.close(uow.conn, event.upload_id, "withdrawing")

    async def rejected_at_source(self, event: AtSourceRejectedV1, uow: UnitOfWork) -> None:
        await progress.close(uow.conn, event.upload_id, "rejected")


def _keeps_anything(payload: Any) -> bool:
    """Whether an IndividualsChangedV2 payload (a dict as received, or the model) splits, ends or links anyone."""
    changes = payload["changes"] if isinstance(payload, dict) else payload.changes
    if isinstance(changes, dict):
        return any(changes.get(kind) for kind in ("split", "ended", "linked"))
    return bool(changes.split or changes.ended or changes.linked)


async def _apply_merges(conn: asyncpg.Connection, upload_id: uuid.UUID, changes: Any) -> None:
    """With the chunk's records: the merges they caused (merges commute, so chunks may arrive in any order) and
    the identifiers found junk (counts per upload). Splits and relationships do not commute: they come in the
    matcher's commit order from beneficiaries.events.v2 (``individuals_changed``)."""
    if changes.merged:
        await alias_table.lock(conn)
    for merge in changes.merged:
        plan = plan_merge(merge.survivor_ref, merge.merged_refs, await alias_table.resolve(conn, merge.survivor_ref))
        await alias_table.apply(conn, plan)
    for finding in changes.quarantined:
        await lifecycle.finding(conn, upload_id, finding.identifier_type, finding.records)


async def _merge(conn: asyncpg.Connection, event: IndividualsMergedV1) -> None:
    await alias_table.lock(conn)
    plan = plan_merge(event.survivor_ref, event.merged_refs, await alias_table.resolve(conn, event.survivor_ref))
    await alias_table.apply(conn, plan)


async def _split(conn: asyncpg.Connection, event: IndividualSplitV1) -> None:
    await alias_table.lock(conn)
    await lifecycle.split(conn, event)


_BENEFICIARY_V1: dict[type, Callable[[asyncpg.Connection, Any], Awaitable[None]]] = {
    IndividualsMergedV1: _merge,
    IndividualSplitV1: _split,
    RelationshipLinkedV1: lifecycle.relate,
    RelationshipEndedV1: lifecycle.unrelate,
    IdentifierQuarantinedV1: lifecycle.quarantined,
}


def _applied_v1(apply: Callable[[asyncpg.Connection, Any], Awaitable[None]]) -> Callable[[Any, UnitOfWork],
                                                                                          Awaitable[None]]:
    async def handle(event: Any, uow: UnitOfWork) -> None:
        await apply(uow.conn, event)
        await read_model_state.bump(uow.conn)
        log.info("beneficiaries.applied", event_type=type(event).__name__)

    return handle
