"""Message handlers: each applies one event in one transaction (inbox + state + outbox), retried
when another instance raced us on the same individuals or tokens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.envelope import Envelope, open_envelope
from leap_contracts.events import RecordsPseudonymisedV1, UploadWithdrawnV1
from leap_contracts.plain import open_plain, receiver

from leap_contracts.delivery import inbox, outbox
from leap_contracts.delivery.consumer import PoisonMessage

from leap_matcher.adapters import outcome_links
from leap_matcher.domain.junk import JunkRule
from leap_matcher.service import outcome_relinking
from leap_matcher.service.chunk import ConcurrentChange, apply_chunk
from leap_matcher.service.events import Events
from leap_matcher.service.outcome_linking import link_outcome_chunk
from leap_matcher.service.withdrawal import apply_withdrawal

RACE_RETRIES = 20
RECEIVE_RECORDS = receiver(RecordsPseudonymisedV1)
"""How the consumer reads records.pseudonymised: envelope and plain payload in one pass."""
log = structlog.get_logger()

__all__ = ["ConcurrentChange", "Matcher"]


@dataclass
class Matcher:
    pool: asyncpg.Pool
    topic_prefix: str = ""
    junk: JunkRule = field(default_factory=JunkRule)

    async def on_records_pseudonymised(self, envelope: Envelope) -> None:
        """Received by ``RECEIVE_RECORDS``: the payload as a plain Struct, every record read on the hot path."""
        if envelope.event_type != RecordsPseudonymisedV1.__name__:
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        event = open_plain(envelope, RecordsPseudonymisedV1)

        async def work(conn: asyncpg.Connection, events: Events) -> list:
            if event.dataset == "outcomes":  # linked to individuals, never one of their records
                return await link_outcome_chunk(conn, event, self.topic_prefix, envelope.correlation_id)
            result = await apply_chunk(conn, event, self.junk)
            if not result:
                return []
            relinked = await outcome_relinking.relink(conn, *outcome_relinking.touched_by_chunk(result),
                                                      self.topic_prefix, envelope.correlation_id)
            return [*events.chunk(result), *relinked]

        await self._once(envelope, topics.RECORDS_PSEUDONYMISED, work, upload_id=str(event.upload_id),
                         chunk=event.chunk_index)

    async def on_upload_withdrawn(self, envelope: Envelope) -> None:
        event = open_envelope(envelope)
        if not isinstance(event, UploadWithdrawnV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")

        async def work(conn: asyncpg.Connection, events: Events) -> list:
            result = await apply_withdrawal(conn, event)
            if not result:
                return []
            log.info("upload.withdrawn", upload_id=str(event.upload_id), records=result.records,
                     splits=len(result.outcome.splits), removed=len(result.outcome.removed))
            await outcome_links.forget(conn, event.upload_id)  # an outcome extract: none of it is linked again
            relinked = await outcome_relinking.relink(conn, (), outcome_relinking.touched_by_withdrawal(result),
                                                      self.topic_prefix, envelope.correlation_id)
            return [*events.withdrawal(result), *relinked]

        await self._once(envelope, topics.UPLOAD_WITHDRAWN, work, upload_id=str(event.upload_id))

    async def _once(self, envelope: Envelope, topic: topics.Topic,
                    work: Callable[[asyncpg.Connection, Events], Awaitable[list]], **context) -> None:
        events = Events(self.topic_prefix, envelope.correlation_id)
        for attempt in range(RACE_RETRIES):
            try:
                async with self.pool.acquire() as conn, conn.transaction():
                    if await inbox.claim(conn, envelope.event_id, topic.name):
                        await outbox.add(conn, await work(conn, events))
                    return
            except (ConcurrentChange, asyncpg.UniqueViolationError, asyncpg.DeadlockDetectedError) as exc:
                log.info("event.race", topic=topic.name, attempt=attempt + 1, reason=type(exc).__name__, **context)
        raise ConcurrentChange(f"gave up after {RACE_RETRIES} races")
