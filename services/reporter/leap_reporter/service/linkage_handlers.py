"""Tolerant linkage's events into the read model, one transaction each with the inbox claim: records' tolerant
individuals (newest version wins, so partitions may deliver in any order) and the linkage-quality figures."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.delivery import inbox
from leap_contracts.delivery.consumer import PoisonMessage
from leap_contracts.envelope import Envelope, open_envelope
from leap_contracts.events import LinkageQualityMeasuredV1, TolerantRecordsRelinkedV1

from leap_reporter.adapters import linkage, read_model_state

log = structlog.get_logger()


@dataclass
class LinkageReadModel:
    pool: asyncpg.Pool

    async def on_tolerant_relinked(self, envelope: Envelope) -> None:
        event = open_envelope(envelope)
        if not isinstance(event, TolerantRecordsRelinkedV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.TOLERANT_RELINKED.name):
                return
            applied = await linkage.assign(conn, event.records)
            await read_model_state.bump(conn)
        log.info("tolerant.relinked", upload_id=str(event.upload_id), records=len(event.records), applied=applied)

    async def on_linkage_quality(self, envelope: Envelope) -> None:
        event = open_envelope(envelope)
        if not isinstance(event, LinkageQualityMeasuredV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.LINKAGE_QUALITY.name):
                return
            await linkage.store_quality(conn, event)
        log.info("tolerant.quality_stored", version=event.version)
