"""The events a chunk or a withdrawal produces: (topic, key, envelope) for the outbox. No tokens, no PII."""

from __future__ import annotations

from leap_contracts import topics
from leap_contracts.envelope import Envelope, seal, sealed
from leap_contracts.events import (
    IdentifierQuarantinedV1,
    IndividualMatchedV1,
    IndividualsMergedV1,
    IndividualSplitV1,
    RecordRef,
    RecordsMatchedV1,
    RecordsWithdrawnV1,
    RelationshipEndedV1,
    RelationshipLinkedV1,
    SplitPart,
)

from leap_matcher.adapters.individuals import reference as ref
from leap_matcher.adapters.recompute import Outcome
from leap_matcher.service.chunk import ChunkResult
from leap_matcher.service.withdrawal import WithdrawalResult

PRODUCER = "matcher"
Message = tuple[str, str, Envelope | bytes]


class Events:
    def __init__(self, topic_prefix: str, correlation_id: str) -> None:
        self.matched_topic = topics.RECORDS_MATCHED.full_name(topic_prefix)
        self.people_topic = topics.BENEFICIARIES.full_name(topic_prefix)
        self.correlation_id = correlation_id

    def _seal(self, event) -> Envelope:
        return seal(event, producer=PRODUCER, correlation_id=self.correlation_id)

    def _fast(self, model: type, payload: dict) -> bytes:
        return sealed(model, payload, producer=PRODUCER, correlation_id=self.correlation_id)

    def _person(self, key: str, event) -> Message:
        return (self.people_topic, key, self._seal(event))

    def chunk(self, r: ChunkResult) -> list[Message]:
        event = r.event
        # The two high-volume events are built as plain JSON payloads from already-validated input
        # (tests validate every outbox event against its model).
        upload_id, service = event.upload_id, event.service_code
        upload = str(upload_id)
        refs = {individual: ref(individual) for individual in set(r.individual_of)}
        for matched, individual in zip(r.matched, r.individual_of):
            matched["individual_ref"] = refs[individual]
        chunk = {"upload_id": upload, "provider_id": event.provider_id, "service_code": service,
                 "chunk_index": event.chunk_index,
                 "records": r.matched,
                 "new_individuals": sum(1 for c in r.components if not c.known),
                 "matched_existing": sum(len(c.records) for c in r.components if c.known)}
        out = [(self.matched_topic, upload, self._fast(RecordsMatchedV1, chunk))]
        for c, individual_id in zip(r.components, r.owner):
            survivor = ref(individual_id)
            out.append((self.people_topic, survivor, self._fast(IndividualMatchedV1, {
                "individual_ref": survivor, "upload_id": upload, "service_code": service,
                "records": len(c.records), "created": not c.known,
                "identifier_types": sorted({r.token_type[t] for t in c.tokens})})))
            if c.merged:
                out.append(self._person(survivor, IndividualsMergedV1(
                    survivor_ref=survivor, merged_refs=[ref(m) for m in c.merged], upload_id=upload_id)))
        for q in r.quarantined:
            key = ref(q.individual_ids[0]) if q.individual_ids else upload
            out.append(self._person(key, IdentifierQuarantinedV1(
                identifier_type=q.id_type, records=q.records, distinct_birth_months=q.birth_months,
                distinct_providers=q.providers, upload_id=upload_id,
                individual_refs=[ref(i) for i in q.individual_ids])))
        out += self._splits(r.recomputed, "identifier_quarantined", upload_id)
        return out + self._links(r.links)

    def withdrawal(self, w: WithdrawalResult) -> list[Message]:
        e = w.event
        withdrawn = RecordsWithdrawnV1(upload_id=e.upload_id, provider_id=e.provider_id, service_code=e.service_code,
                                       replaced_by=e.replaced_by, records=w.records,
                                       removed_refs=[ref(i) for i in w.outcome.removed])
        return [(self.matched_topic, str(e.upload_id), self._seal(withdrawn)),
                *self._splits(w.outcome, "upload_withdrawn", e.upload_id)]

    def _splits(self, outcome: Outcome, reason: str, upload_id) -> list[Message]:
        """Splits first, then the relationships they ended and started (a consumer re-points records first)."""
        return [*(self._person(ref(s.kept), IndividualSplitV1(
            individual_ref=ref(s.kept), reason=reason, upload_id=upload_id,
            parts=[SplitPart(individual_ref=ref(new), records=[RecordRef(upload_id=u, row_number=n) for u, n in recs])
                   for new, recs in s.parts])) for s in outcome.splits),
                *(self._person(ref(child), RelationshipEndedV1(child_ref=ref(child), carer_ref=ref(carer), reason=reason))
                  for child, carer in outcome.unlinks),
                *self._links(outcome.links)]

    def _links(self, links: list[tuple[int, int, list[str]]]) -> list[Message]:
        return [self._person(ref(child), RelationshipLinkedV1(child_ref=ref(child), carer_ref=ref(carer), via=via))
                for child, carer, via in links]
