"""One function per message: inbox, state change and outbox in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg

from leap_contracts import topics
from leap_contracts.envelope import Envelope, open_envelope, seal
from leap_contracts.events import RecordsPseudonymisedAtSourceV1, RecordsPseudonymisedV1, RecordsValidatedV1
from leap_contracts.pseudonymisation import (
    NormalisationFinding,
    RowIdentifier,
    Tokeniser,
    normalise_postcode,
)

from leap_pseudonymiser.adapters import inbox, outbox, wards
from leap_pseudonymiser.adapters.consumer import PoisonMessage
from leap_pseudonymiser.domain.at_source import check_at_source
from leap_pseudonymiser.domain.pseudonymise import pseudonymise

PRODUCER = "pseudonymiser"


@dataclass
class Pseudonymiser:
    pool: asyncpg.Pool
    tokeniser: Tokeniser
    topic_prefix: str = ""
    previous: list[Tokeniser] = field(default_factory=list)
    """Previous keys during a rotation: records also get linking tokens under each."""

    def __post_init__(self) -> None:
        self.identifier = RowIdentifier(self.tokeniser, self.previous)
        self.key_check_values = {t.key_id: t.key_check_value for t in (self.tokeniser, *self.previous)}

    async def on_records_validated(self, envelope: Envelope) -> None:
        event = open_envelope(envelope)
        if not isinstance(event, RecordsValidatedV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, envelope.event_id, topics.RECORDS_VALIDATED.name):
                return
            ward_lookup = await wards.lookup(conn, _postcodes(event))
            result = RecordsPseudonymisedV1(
                upload_id=event.upload_id,
                provider_id=event.provider_id,
                service_code=event.service_code,
                chunk_index=event.chunk_index,
                spec_version=self.tokeniser.spec_version,
                key_id=self.tokeniser.key_id,
                records=[pseudonymise(r, event.service_code, self.identifier, ward_lookup) for r in event.records],
            )
            out = seal(result, producer=PRODUCER, correlation_id=envelope.correlation_id)
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


def _postcodes(event: RecordsValidatedV1) -> set[str]:
    found = set()
    for record in event.records:
        if record.postcode:
            try:
                found.add(normalise_postcode(record.postcode))
            except NormalisationFinding:
                pass
    return found
