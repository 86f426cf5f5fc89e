"""One function per message: inbox, state change and outbox in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg

from leap_contracts import topics
from leap_contracts.envelope import Envelope, open_envelope, seal, sealed
from leap_contracts.events import RecordsPseudonymisedAtSourceV1, RecordsPseudonymisedV1, RecordsValidatedV1
from leap_contracts.plain import open_plain, receiver
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser

from leap_pseudonymiser.adapters import inbox, outbox, wards
from leap_pseudonymiser.adapters.consumer import PoisonMessage
from leap_pseudonymiser.domain.at_source import check_at_source
from leap_pseudonymiser.domain.pseudonymise_chunk import canonical_postcodes, pseudonymise_chunk
from leap_pseudonymiser.domain.token_memos import TokenMemos

PRODUCER = "pseudonymiser"
RECEIVE_VALIDATED = receiver(RecordsValidatedV1)
"""How the consumer reads restricted.records-validated: envelope and plain payload in one pass."""


@dataclass
class Pseudonymiser:
    pool: asyncpg.Pool
    tokeniser: Tokeniser
    topic_prefix: str = ""
    previous: list[Tokeniser] = field(default_factory=list)
    """Previous keys during a rotation: records also get linking tokens under each."""
    match_keys: bool = True
    """Records also carry their match keys (``Settings.match_keys``)."""

    def __post_init__(self) -> None:
        self.identifier = RowIdentifier(self.tokeniser, self.previous)
        self.memos = TokenMemos(self.tokeniser, self.previous, match_keys=self.match_keys)
        self.key_check_values = {t.key_id: t.key_check_value for t in (self.tokeniser, *self.previous)}

    async def on_records_validated(self, envelope: Envelope) -> None:
        """Received by ``RECEIVE_VALIDATED``: the payload as a plain Struct; the records out are written
        as JSON-ready dicts (``pseudonymise_chunk``), the same bytes as the models would give."""
        if envelope.event_type != RecordsValidatedV1.__name__:
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        event = open_plain(envelope, RecordsValidatedV1)
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.RECORDS_VALIDATED.name):
                return
            ward_lookup = await wards.lookup(conn, canonical_postcodes(event.records))
            payload = {
                "upload_id": str(event.upload_id),
                "provider_id": event.provider_id,
                "service_code": event.service_code,
                "chunk_index": event.chunk_index,
                "spec_version": self.tokeniser.spec_version,
                "key_id": self.tokeniser.key_id,
                "records": pseudonymise_chunk(event.records, event.service_code, self.memos, self.identifier,
                                              ward_lookup),
                "dataset": event.dataset,
            }
            out = sealed(RecordsPseudonymisedV1, payload, producer=PRODUCER, correlation_id=envelope.correlation_id)
            await outbox.add(conn, [(topics.RECORDS_PSEUDONYMISED.full_name(self.topic_prefix),
                                     topics.chunk_key(event.upload_id, event.chunk_index), out)])

    async def on_records_at_source(self, envelope: Envelope) -> None:
        """Forward an at-source chunk made with a key the platform holds; refuse it otherwise."""
        event = open_envelope(envelope)
        if not isinstance(event, RecordsPseudonymisedAtSourceV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        result = check_at_source(event, self.key_check_values)
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.RECORDS_AT_SOURCE.name):
                return
            out = seal(result, producer=PRODUCER, correlation_id=envelope.correlation_id)
            key = (topics.chunk_key(event.upload_id, event.chunk_index) if result.TOPIC == topics.RECORDS_PSEUDONYMISED
                   else str(event.upload_id))
            await outbox.add(conn, [(result.TOPIC.full_name(self.topic_prefix), key, out)])

