"""The matcher's lifecycle events in the read model: withdrawals, splits, relationships, junk identifiers."""

import uuid
from datetime import date

from leap_contracts.envelope import Envelope, seal
from leap_contracts.events import (IdentifierQuarantinedV1, IndividualsMergedV1, IndividualSplitV1,
                                   RecordsWithdrawnV1, RelationshipEndedV1, RelationshipLinkedV1)
from leap_contracts.events.beneficiaries import RecordRef, SplitPart


def sealed(event):
    return seal(event, producer="matcher", correlation_id="c")


async def test_a_withdrawn_upload_leaves_the_read_model(builder, db, events):
    upload = uuid.uuid4()
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "a", date(2024, 1, 1))], upload_id=upload))
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "b", date(2024, 1, 1))]))
    withdrawn = sealed(RecordsWithdrawnV1(upload_id=upload, provider_id="prov-1", service_code="CAN", records=1))
    await builder.on_records_matched(withdrawn)
    await builder.on_records_matched(withdrawn)  # redelivery: no effect
    assert [r["individual_ref"] for r in await db.fetch("SELECT individual_ref FROM engagement")] == ["b"]
    assert await db.fetchval("SELECT count(*) FROM match_outcome WHERE upload_id = $1", upload) == 0


async def test_a_split_moves_the_listed_records_to_the_new_reference(builder, db, events):
    upload = uuid.uuid4()
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "a", date(2024, 1, 1)),
                                                            events.record(3, "a", date(2024, 2, 1))], upload_id=upload))
    await builder.on_beneficiary_event(sealed(IndividualSplitV1(
        individual_ref="a", reason="identifier_quarantined", upload_id=upload,
        parts=[SplitPart(individual_ref="a2", records=[RecordRef(upload_id=upload, row_number=3)])])))
    rows = await db.fetch("SELECT row_number, individual_ref FROM engagement ORDER BY row_number")
    assert [(r["row_number"], r["individual_ref"]) for r in rows] == [(2, "a"), (3, "a2")]


async def test_a_split_applied_before_the_chunk_holding_its_records_still_moves_them(builder, db, events):
    """beneficiaries.events.v2 and matching.records-matched are read apart: the split may come first. The chunk,
    matched before the split, carries the older reference; its moved record takes the split's."""
    upload = uuid.uuid4()
    await builder.on_beneficiary_event(sealed(IndividualSplitV1(
        individual_ref="a", reason="upload_withdrawn", upload_id=uuid.uuid4(),
        parts=[SplitPart(individual_ref="a2", records=[RecordRef(upload_id=upload, row_number=3)])])))
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "a", date(2024, 1, 1)),
                                                            events.record(3, "a", date(2024, 2, 1))], upload_id=upload))
    rows = await db.fetch("SELECT row_number, individual_ref FROM engagement ORDER BY row_number")
    assert [(r["row_number"], r["individual_ref"]) for r in rows] == [(2, "a"), (3, "a2")]
    withdrawn = sealed(RecordsWithdrawnV1(upload_id=upload, provider_id="prov-1", service_code="CAN", records=2))
    await builder.on_records_matched(withdrawn)
    assert await db.fetchval("SELECT count(*) FROM split_record WHERE upload_id = $1", upload) == 0


async def test_relationships_and_quarantined_identifiers_are_recorded(builder, db):
    upload = uuid.uuid4()
    await builder.on_beneficiary_event(sealed(RelationshipLinkedV1(child_ref="k", carer_ref="c", via=["email"])))
    await builder.on_beneficiary_event(sealed(IdentifierQuarantinedV1(
        identifier_type="email", records=40, distinct_birth_months=12, distinct_providers=3, upload_id=upload)))
    assert [tuple(r) for r in await db.fetch("SELECT child_ref, carer_ref FROM relationship")] == [("k", "c")]
    assert [tuple(r) for r in await db.fetch("SELECT code, detail, rows FROM upload_finding")] == \
        [("identifier_quarantined", "email", 40)]


async def test_an_ended_relationship_leaves_even_when_its_refs_were_merged_since(builder, db):
    await builder.on_beneficiary_event(sealed(RelationshipLinkedV1(child_ref="k", carer_ref="c", via=["email"])))
    await builder.on_beneficiary_event(sealed(RelationshipLinkedV1(child_ref="k2", carer_ref="c", via=["email"])))
    await builder.on_beneficiary_event(sealed(IndividualsMergedV1(survivor_ref="k0", merged_refs=["k"],
                                                                  upload_id=uuid.uuid4())))
    await builder.on_beneficiary_event(sealed(RelationshipEndedV1(child_ref="k0", carer_ref="c",
                                                                  reason="upload_withdrawn")))
    assert [tuple(r) for r in await db.fetch("SELECT child_ref, carer_ref FROM relationship")] == [("k2", "c")]


async def test_an_event_type_this_build_does_not_know_is_skipped_on_the_beneficiaries_topic(builder, db):
    envelope = Envelope(event_id=uuid.uuid4(), event_type="SomethingNewV1", version=1, occurred_at="2024-01-01T00:00:00Z",
                        producer="matcher", correlation_id="c", payload={"x": 1})
    await builder.on_beneficiary_event(envelope)
    assert await db.fetchval("SELECT count(*) FROM inbox") == 0


async def test_validation_time_is_kept_for_timeliness(builder, db, events):
    upload = uuid.uuid4()
    envelope = events.validated(upload)
    await builder.on_upload_validated(envelope)
    assert await db.fetchval("SELECT validated_at FROM upload_quality") == envelope.occurred_at
