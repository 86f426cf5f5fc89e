"""The events a chunk or a withdrawal produces, queued in the unit of work's outbox. No tokens, no PII.

A chunk gives two events: ``RecordsMatchedV1`` (each record with its individual, plus the changes the chunk
made to individuals, so a read model applies both together) and ``IndividualsChangedV2`` (the matches and the
same changes, for downstream consumers). A withdrawal gives ``RecordsWithdrawnV1`` and ``IndividualsChangedV2``.
"""

from __future__ import annotations

from typing import Any

from leap_contracts.delivery.outbox import Outbox
from leap_contracts.events import (IndividualChanges, IndividualsChangedV2, Link, Merge, Quarantine, RecordRef,
                                   RecordsMatchedV1, RecordsWithdrawnV1, Split, SplitPart, Unlink)

from leap_matcher.domain.identity import reference as ref
from leap_matcher.domain.split import Outcome
from leap_matcher.service.chunk import ChunkResult
from leap_matcher.service.withdrawal import WithdrawalResult


def publish_chunk(outbox: Outbox, r: ChunkResult) -> None:
    """``RecordsMatchedV1`` and ``IndividualsChangedV2`` of an applied chunk."""
    event = r.event
    upload = str(event.upload_id)
    merged = [Merge(survivor_ref=ref(owner), merged_refs=[ref(m) for m in c.merged])
              for c, owner in zip(r.components, r.owner) if c.merged]
    quarantined = [Quarantine(identifier_type=q.id_type, records=q.records, distinct_birth_months=q.birth_months,
                              distinct_providers=q.providers, individual_refs=[ref(i) for i in q.individual_ids])
                   for q in r.quarantined]
    changes = _changes(r.recomputed, "identifier_quarantined", merged=merged, quarantined=quarantined,
                       links=r.recomputed.links + r.links)
    # Payloads are built as plain JSON from already-validated input (tests validate every outbox event against
    # its model): a chunk's records are by the thousand.
    outbox.add_payload(RecordsMatchedV1, {
        "upload_id": upload, "provider_id": event.provider_id, "service_code": event.service_code,
        "chunk_index": event.chunk_index, "records": r.matched,
        "new_individuals": sum(1 for c in r.components if not c.known),
        "matched_existing": sum(len(c.records) for c in r.components if c.known), "changes": changes})
    matched = [{"individual_ref": ref(owner), "records": len(c.records), "created": not c.known,
                "identifier_types": sorted({r.token_type[t] for t in c.tokens})}
               for c, owner in zip(r.components, r.owner)]
    outbox.add_payload(IndividualsChangedV2, {"upload_id": upload, "service_code": event.service_code,
                                              "chunk_index": event.chunk_index, "matched": matched, "changes": changes})


def publish_withdrawal(outbox: Outbox, w: WithdrawalResult) -> None:
    """``RecordsWithdrawnV1`` and ``IndividualsChangedV2`` of a withdrawal."""
    e = w.event
    upload = str(e.upload_id)
    changes = _changes(w.outcome, "upload_withdrawn", links=w.outcome.links)
    outbox.add_payload(RecordsWithdrawnV1, {
        "upload_id": upload, "provider_id": e.provider_id, "service_code": e.service_code,
        "replaced_by": str(e.replaced_by) if e.replaced_by else None, "records": w.records,
        "removed_refs": [ref(i) for i in w.outcome.removed], "changes": changes})
    outbox.add_payload(IndividualsChangedV2, {"upload_id": upload, "service_code": e.service_code, "changes": changes})


def _changes(outcome: Outcome, reason: str, *, merged: list[Merge] = (), quarantined: list[Quarantine] = (),
             links: list[tuple[int, int, list[str]]]) -> dict[str, Any]:
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
