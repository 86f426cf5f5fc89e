"""OutcomesLinkedV1 -> the outcome records of the read model, with the watermark, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.envelope import Envelope
from leap_contracts.events import OutcomesLinkedV1

from leap_reporter.adapters import inbox, outcome_records, read_model_state
from leap_reporter.adapters.consumer import PoisonMessage

log = structlog.get_logger()


@dataclass
class OutcomeReadModel:
    pool: asyncpg.Pool

    async def on_outcomes_linked(self, envelope: Envelope) -> None:
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
