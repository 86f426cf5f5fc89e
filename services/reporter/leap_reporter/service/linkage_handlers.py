"""Tolerant linkage's events into the read model, each in its message's transaction (inbox claimed): records'
tolerant individuals (newest version wins, so partitions may deliver in any order) and the linkage-quality
figures."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from leap_contracts import topics
from leap_contracts.delivery.handlers import Handlers, UnitOfWork
from leap_contracts.envelope import Envelope
from leap_contracts.events import LinkageQualityMeasuredV1, TolerantRecordsRelinkedV1

from leap_reporter.adapters import read_model_state, tolerant_linkage
from leap_reporter.service.handlers import TopicEntries

log = structlog.get_logger()


@dataclass
class LinkageReadModel(TopicEntries):
    def register(self, handlers: Handlers) -> None:
        handlers.on(TolerantRecordsRelinkedV1, self.relinked)
        handlers.on(LinkageQualityMeasuredV1, self.quality_measured)

    async def on_tolerant_relinked(self, envelope: Envelope) -> None:
        await self.handlers.deliver(envelope, topics.TOLERANT_RELINKED)

    async def on_linkage_quality(self, envelope: Envelope) -> None:
        await self.handlers.deliver(envelope, topics.LINKAGE_QUALITY)

    async def relinked(self, event: TolerantRecordsRelinkedV1, uow: UnitOfWork) -> None:
        applied = await tolerant_linkage.assign(uow.conn, event.records)
        await read_model_state.bump(uow.conn)
        log.info("tolerant.relinked", upload_id=str(event.upload_id), records=len(event.records), applied=applied)

    async def quality_measured(self, event: LinkageQualityMeasuredV1, uow: UnitOfWork) -> None:
        await tolerant_linkage.store_quality(uow.conn, event)
        log.info("tolerant.quality_stored", version=event.version)
