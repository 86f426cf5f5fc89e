"""The events a chunk or a withdrawal produces: (topic, key, envelope) for the outbox. No tokens, no PII.

A chunk gives two events: ``RecordsMatchedV1`` (each record with its individual, plus the changes the chunk
made to individuals, so a read model applies both together) and ``IndividualsChangedV2`` (the matches and the
same changes, for downstream consumers). A withdrawal gives ``RecordsWithdrawnV1`` and ``IndividualsChangedV2``.
"""

from __future__ import annotations

from leap_contracts import topics
from leap_contracts.envelope import Envelope, sealed
from leap_contracts.events import (IndividualChanges, IndividualsChangedV2, Link, Merge, Quarantine, RecordRef,
                                   RecordsMatchedV1, RecordsWithdrawnV1, Split, SplitPart, Unlink)

from leap_matcher.domain.identity import reference as ref
from leap_matcher.domain.split import Outcome
from leap_matcher.service.chunk import ChunkResult
from leap_matcher.service.withdrawal import WithdrawalResult

PRODUCER = "matcher"
Message = tuple[str, str, Envelope | bytes]


class Events:
    def __init__(self, topic_prefix: str, correlation_id: str) -> None:
        self.matched_topic = topics.RECORDS_MATCHED.full_name(topic_prefix)
        self.people_topic = topics.BENEFICIARIES_V2.full_name(topic_prefix)
        self.correlation_id = correlation_id

    def _sealed(self, model: type, payload: dict) -> bytes:
        # Payloads are built as plain JSON from already-validated input (tests validate every outbox event
        # against its model): a chunk's records are by the thousand.
        return sealed(model, payload, producer=PRODUCER, correlation_id=self.correlation_id)

    def chunk(self, r: ChunkResult) -> list[Message]:
        event = r.event
        upload = str(event.upload_id)
        merged = [Merge(survivor_ref=ref(owner), merged_refs=[ref(m) for m in c.merged])
                  for c, owner in zip(r.components, r.owner) if c.merged]
        quarantined = [Quarantine(identifier_type=q.id_type, records=q.records, distinct_birth_months=q.birth_months,
                                  distinct_providers=q.providers, individual_refs=[ref(i) for i in q.individual_ids])
                       for q in r.quarantined]
        changes = _changes(r.recomputed, "identifier_quarantined", merged=merged, quarantined=quarantined,
                           links=r.recomputed.links + r.links)
        chunk = {"upload_id": upload, "provider_id": event.provider_id, "service_code": event.service_code,
                 "chunk_index": event.chunk_index, "records": r.matched,
                 "new_individuals": sum(1 for c in r.components if not c.known),
                 "matched_existing": sum(len(c.records) for c in r.components if c.known),
                 "changes": changes}
        matched = [{"individual_ref": ref(owner), "records": len(c.records), "created": not c.known,
                    "identifier_types": sorted({r.token_type[t] for t in c.tokens})}
                   for c, owner in zip(r.components, r.owner)]
        people = {"upload_id": upload, "service_code": event.service_code, "chunk_index": event.chunk_index,
                  "matched": matched, "changes": changes}
        return [(self.matched_topic, upload, self._sealed(RecordsMatchedV1, chunk)),
                (self.people_topic, upload, self._sealed(IndividualsChangedV2, people))]

    def withdrawal(self, w: WithdrawalResult) -> list[Message]:
        e = w.event
        upload = str(e.upload_id)
        changes = _changes(w.outcome, "upload_withdrawn", links=w.outcome.links)
        withdrawn = {"upload_id": upload, "provider_id": e.provider_id, "service_code": e.service_code,
                     "replaced_by": str(e.replaced_by) if e.replaced_by else None, "records": w.records,
                     "removed_refs": [ref(i) for i in w.outcome.removed], "changes": changes}
        people = {"upload_id": upload, "service_code": e.service_code, "changes": changes}
        return [(self.matched_topic, upload, self._sealed(RecordsWithdrawnV1, withdrawn)),
                (self.people_topic, upload, self._sealed(IndividualsChangedV2, people))]


def _changes(outcome: Outcome, reason: str, *, merged: list[Merge] = (), quarantined: list[Quarantine] = (),
             links: list[tuple[int, int, list[str]]]) -> dict:
    """The changes in their JSON form: merges, quarantines, splits, then the relationships the splits ended and
    the links made (a consumer re-points records before it relates people)."""
    splits = [Split(individual_ref=ref(s.kept), reason=reason,
                    parts=[SplitPart(individual_ref=ref(new),
                                     records=[RecordRef(upload_id=u, row_number=n) for u, n in recs])
                           for new, recs in s.parts]) for s in outcome.splits]
    ended = [Unlink(child_ref=ref(child), carer_ref=ref(carer), reason=reason) for child, carer in outcome.unlinks]
    linked = [Link(child_ref=ref(child), carer_ref=ref(carer), via=via) for child, carer, via in links]
    return IndividualChanges(merged=list(merged), quarantined=list(quarantined), split=splits, ended=ended,
                             linked=linked).model_dump(mode="json")
