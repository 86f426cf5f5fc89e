"""OutcomesLinkedV1 -> the outcome records of the read model, with the watermark, in one transaction;
OutcomeLinksChangedV1 -> their links replaced."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.delivery import inbox
from leap_contracts.delivery.consumer import PoisonMessage
from leap_contracts.envelope import Envelope
from leap_contracts.events import OutcomeLinksChangedV1, OutcomesLinkedV1

from leap_reporter.adapters import outcome_records, read_model_state

log = structlog.get_logger()


@dataclass
class OutcomeReadModel:
    pool: asyncpg.Pool

    async def on_outcomes_linked(self, envelope: Envelope) -> None:
        """OutcomesLinkedV1 (a chunk's records) or OutcomeLinksChangedV1 (some of them linked again)."""
        if envelope.event_type == OutcomeLinksChangedV1.__name__:
            return await self._relinked(envelope)
        if envelope.event_type != OutcomesLinkedV1.__name__:
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        event = OutcomesLinkedV1.model_validate(envelope.payload)
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.OUTCOMES_LINKED.name):
                return
            stored = await outcome_records.store_chunk(conn, event)
            await outcome_records.chunk_applied(conn, event.upload_id, event.provider_id, event.source_code,
                                                version=await read_model_state.bump(conn))
        log.info("outcomes.stored", upload_id=str(event.upload_id), chunk=event.chunk_index, rows=stored)

    async def _relinked(self, envelope: Envelope) -> None:
        event = OutcomeLinksChangedV1.model_validate(envelope.payload)
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.OUTCOMES_LINKED.name):
                return
            await read_model_state.bump(conn)
            changed = await outcome_records.relink(conn, event)
        log.info("outcomes.relinked", upload_id=str(event.upload_id), chunk=event.chunk_index, rows=changed)
