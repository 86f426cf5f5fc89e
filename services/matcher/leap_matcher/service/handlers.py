"""The matcher's Kafka handlers: each gets its typed event inside the message's transaction, its inbox row
already claimed (``leap_contracts.delivery.handlers``), applies it and queues what it publishes in the unit of
work's outbox. When another instance raced it on the same individuals or tokens, the whole unit of work is
tried again (``RACES``).

:class:`Matcher` declares them on its :class:`Handlers` and has one entry point per topic (``on_<topic>(envelope)``),
which the tests and the benchmark call as the consumer would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.delivery.handlers import Handlers, UnitOfWork
from leap_contracts.envelope import Envelope
from leap_contracts.events import RecordsPseudonymisedV1, UploadWithdrawnV1
from leap_contracts.plain import receiver

from leap_matcher.adapters import outcome_links_sql
from leap_matcher.domain.chunk_records import PseudonymisedChunk
from leap_matcher.domain.junk import JunkRule
from leap_matcher.service import outcome_relinking
from leap_matcher.service.chunk import ConcurrentChange, apply_chunk
from leap_matcher.service.events import publish_chunk, publish_withdrawal
from leap_matcher.service.outcome_linking import link_outcome_chunk
from leap_matcher.service.withdrawal import apply_withdrawal

PRODUCER = "matcher"
RACES = (ConcurrentChange, asyncpg.UniqueViolationError, asyncpg.DeadlockDetectedError)
RACE_RETRIES = 20
RECEIVE_RECORDS = receiver(RecordsPseudonymisedV1)
"""How the consumer reads records.pseudonymised: envelope and plain payload in one pass (``Handlers`` reads the
topic so too, as declared ``plain``)."""
log = structlog.get_logger()

__all__ = ["ConcurrentChange", "Matcher"]


@dataclass
class Matcher:
    pool: asyncpg.Pool
    topic_prefix: str = ""
    junk: JunkRule = field(default_factory=JunkRule)
    handlers: Handlers = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.handlers = Handlers(self.pool, producer=PRODUCER, topic_prefix=self.topic_prefix)
        self.handlers.on(RecordsPseudonymisedV1, self.records_pseudonymised, plain=True, races=RACES,
                         race_retries=RACE_RETRIES)
        self.handlers.on(UploadWithdrawnV1, self.upload_withdrawn, races=RACES, race_retries=RACE_RETRIES)

    async def on_records_pseudonymised(self, envelope: Envelope) -> None:
        await self.handlers.deliver(envelope, topics.RECORDS_PSEUDONYMISED)

    async def on_upload_withdrawn(self, envelope: Envelope) -> None:
        await self.handlers.deliver(envelope, topics.UPLOAD_WITHDRAWN)

    async def records_pseudonymised(self, event: PseudonymisedChunk, uow: UnitOfWork) -> None:
        """The payload as a plain Struct, every record read on the hot path."""
        if event.dataset == "outcomes":  # linked to individuals, never one of their records
            await link_outcome_chunk(uow.conn, uow.outbox, event)
            return
        result = await apply_chunk(uow.conn, event, self.junk)
        if result:
            publish_chunk(uow.outbox, result)
            await outcome_relinking.relink(uow.conn, uow.outbox, *outcome_relinking.touched_by_chunk(result))

    async def upload_withdrawn(self, event: UploadWithdrawnV1, uow: UnitOfWork) -> None:
        result = await apply_withdrawal(uow.conn, event)
        if not result:
            return
        log.info("upload.withdrawn", upload_id=str(event.upload_id), records=result.records,
                 splits=len(result.outcome.splits), removed=len(result.outcome.removed))
        await outcome_links_sql.forget(uow.conn, event.upload_id)  # an outcome extract: none of it is linked again
        publish_withdrawal(uow.outbox, result)
        await outcome_relinking.relink(uow.conn, uow.outbox, (), outcome_relinking.touched_by_withdrawal(result))
