"""Apply one chunk of pseudonymised records: one transaction, retried when another instance raced us."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.envelope import Envelope, open_envelope, seal
from leap_contracts.events import (
    IndividualMatchedV1,
    IndividualsMergedV1,
    MatchedRecord,
    PseudonymisedRecord,
    RecordsMatchedV1,
    RecordsPseudonymisedV1,
)

from leap_matcher.adapters import inbox, individuals, outbox
from leap_matcher.adapters.consumer import PoisonMessage
from leap_matcher.domain.resolution import Component, resolve

PRODUCER = "matcher"
RACE_RETRIES = 20
log = structlog.get_logger()


class ConcurrentChange(Exception):
    """Another instance changed an individual this chunk touches; start the chunk again."""


def _tokens(record: PseudonymisedRecord) -> list[tuple[bytes, str]]:
    return [(bytes.fromhex(v), k) for k, v in record.tokens.model_dump().items() if v]


@dataclass
class Matcher:
    pool: asyncpg.Pool
    topic_prefix: str = ""

    async def on_records_pseudonymised(self, envelope: Envelope) -> None:
        event = open_envelope(envelope)
        if not isinstance(event, RecordsPseudonymisedV1):
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        for attempt in range(RACE_RETRIES):
            try:
                async with self.pool.acquire() as conn, conn.transaction():
                    if await inbox.claim(conn, envelope.event_id, topics.RECORDS_PSEUDONYMISED.name):
                        await self._apply(conn, envelope, event)
                    return
            except (ConcurrentChange, asyncpg.UniqueViolationError, asyncpg.DeadlockDetectedError) as exc:
                log.info("chunk.race", upload_id=str(event.upload_id), chunk=event.chunk_index,
                         attempt=attempt + 1, reason=type(exc).__name__)
        raise ConcurrentChange(f"gave up after {RACE_RETRIES} races")

    async def _apply(self, conn: asyncpg.Connection, envelope: Envelope, event: RecordsPseudonymisedV1) -> None:
        done = await individuals.applied_rows(conn, event.upload_id, [r.row_number for r in event.records])
        records = [r for r in event.records if r.row_number not in done]
        typed = [_tokens(r) for r in records]
        if any(not t for t in typed):
            raise PoisonMessage("a record carries no identifier token")
        token_type = {token: kind for tokens in typed for token, kind in tokens}
        known = await individuals.lookup(conn, list(token_type))
        components = resolve([[t for t, _ in tokens] for tokens in typed], known)
        if not await individuals.lock(conn, sorted(set().union(*(c.known for c in components)))):
            raise ConcurrentChange("an individual was merged meanwhile")

        new_ids = iter(await individuals.create(conn, sum(1 for c in components if not c.known)))
        owner = [c.survivor if c.known else next(new_ids) for c in components]  # individual id per component
        merges = [(m, c.survivor) for c in components for m in c.merged]
        await individuals.merge(conn, [m for m, _ in merges], [s for _, s in merges])
        await individuals.add_identifiers(conn, (
            (token, token_type[token], owner[n]) for n, c in enumerate(components) for token in c.tokens if token not in known
        ))
        individual_of = {i: owner[n] for n, c in enumerate(components) for i in c.records}
        await individuals.add_records(conn, (
            (event.upload_id, r.row_number, individual_of[i], event.provider_id, event.service_code,
             r.beneficiary_type, r.engagement_date, [t for t, _ in typed[i]])
            for i, r in enumerate(records)
        ))
        await outbox.add(conn, self._events(envelope, event, records, components, owner, individual_of, token_type))

    def _events(self, envelope: Envelope, event: RecordsPseudonymisedV1, records: list[PseudonymisedRecord],
                components: list[Component], owner: list[int], individual_of: dict[int, int],
                token_type: dict[bytes, str]) -> list[tuple[str, str, Envelope]]:
        ref = individuals.reference
        seal_ = lambda e: seal(e, producer=PRODUCER, correlation_id=envelope.correlation_id)  # noqa: E731
        matched_topic = topics.RECORDS_MATCHED.full_name(self.topic_prefix)
        people_topic = topics.BENEFICIARIES.full_name(self.topic_prefix)
        chunk = RecordsMatchedV1(
            upload_id=event.upload_id, provider_id=event.provider_id, service_code=event.service_code,
            chunk_index=event.chunk_index,
            records=[MatchedRecord(
                individual_ref=ref(individual_of[i]),
                **r.model_dump(include={"row_number", "beneficiary_type", "birth_month", "gender", "ward_code",
                                        "ward_name", "ethnicity", "first_language", "engagement_date",
                                        "engagement_type", "attended"}),
            ) for i, r in enumerate(records)],
            new_individuals=sum(1 for c in components if not c.known),
            matched_existing=sum(len(c.records) for c in components if c.known),
        )
        out = [(matched_topic, str(event.upload_id), seal_(chunk))]
        for c, individual_id in zip(components, owner):
            survivor = ref(individual_id)
            out.append((people_topic, survivor, seal_(IndividualMatchedV1(
                individual_ref=survivor, upload_id=event.upload_id, service_code=event.service_code,
                records=len(c.records), created=not c.known,
                identifier_types=sorted({token_type[t] for t in c.tokens})))))
            if c.merged:
                out.append((people_topic, survivor, seal_(IndividualsMergedV1(
                    survivor_ref=survivor, merged_refs=[ref(m) for m in c.merged], upload_id=event.upload_id))))
        return out
