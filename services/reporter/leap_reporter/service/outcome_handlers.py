"""OutcomesLinkedV1 -> the outcome records of the read model, with the watermark; OutcomeLinksChangedV1 -> their
links replaced; each in its message's transaction (inbox claimed)."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from leap_contracts import topics
from leap_contracts.delivery.handlers import Handlers, UnitOfWork
from leap_contracts.envelope import Envelope
from leap_contracts.events import OutcomeLinksChangedV1, OutcomesLinkedV1

from leap_reporter.adapters import outcome_records, read_model_state
from leap_reporter.service.handlers import TopicEntries

log = structlog.get_logger()


@dataclass
class OutcomeReadModel(TopicEntries):
    def register(self, handlers: Handlers) -> None:
        handlers.on(OutcomesLinkedV1, self.outcomes_linked)
        handlers.on(OutcomeLinksChangedV1, self.links_changed)

    async def on_outcomes_linked(self, envelope: Envelope) -> None:
        """OutcomesLinkedV1 (a chunk's records) or OutcomeLinksChangedV1 (some of them linked again)."""
        await self.handlers.deliver(envelope, topics.OUTCOMES_LINKED)

    async def outcomes_linked(self, event: OutcomesLinkedV1, uow: UnitOfWork) -> None:
        stored = await outcome_records.store_chunk(uow.conn, event)
        await outcome_records.chunk_applied(uow.conn, event.upload_id, event.provider_id, event.source_code,
                                            version=await read_model_state.bump(uow.conn))
        log.info("outcomes.stored", upload_id=str(event.upload_id), chunk=event.chunk_index, rows=stored)

    async def links_changed(self, event: OutcomeLinksChangedV1, uow: UnitOfWork) -> None:
        await read_model_state.bump(uow.conn)
        changed = await outcome_records.relink(uow.conn, event)
        log.info("outcomes.relinked", upload_id=str(event.upload_id), chunk=event.chunk_index, rows=changed)
