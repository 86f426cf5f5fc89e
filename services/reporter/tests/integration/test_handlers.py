"""Handlers write the read model in one transaction with the inbox; redelivery changes nothing."""

import json
import uuid
from datetime import date

import pytest

from leap_contracts.delivery.consumer import PoisonMessage
from leap_contracts.envelope import seal
from leap_contracts.events import IndividualMatchedV1, ProblemCount

from leap_reporter.service import handlers

STOCKWELL = ("E05014116", "Stockwell")


async def snapshot(db) -> dict:
    return {t: [tuple(r) for r in await db.fetch(f"SELECT * FROM {t} ORDER BY 1, 2")]
            for t in ("engagement", "ward", "individual_alias", "upload_quality", "inbox")}


async def test_records_matched_become_engagement_rows(builder, db, events):
    envelope = events.matched("CAN", [events.record(2, "ind-1", date(2024, 1, 10), ward=STOCKWELL),
                                      events.record(3, "ind-2", date(2024, 1, 11), attended=False,
                                                    beneficiary_type="adult")])
    await builder.on_records_matched(envelope)
    rows = await db.fetch("SELECT * FROM engagement ORDER BY row_number")
    assert {r["learned_xid"] for r in rows} == {await db.fetchval(  # learned by the chunk's transaction
        "SELECT xid FROM read_model_version_log ORDER BY version LIMIT 1")}
    assert [{k: v for k, v in r.items() if k != "learned_xid"} for r in rows] == [
        {"upload_id": uuid.UUID(envelope.payload["upload_id"]), "row_number": 2, "individual_ref": "ind-1",
         "service_code": "CAN", "provider_id": "prov-1", "engagement_date": date(2024, 1, 10),
         "beneficiary_type": "child", "birth_month": "2023-05", "gender": "female", "ward_code": "E05014116",
         "ward_name": "Stockwell", "ethnicity": "W1", "first_language": "English",
         "engagement_type": "group session", "attended": True},
        {"upload_id": uuid.UUID(envelope.payload["upload_id"]), "row_number": 3, "individual_ref": "ind-2",
         "service_code": "CAN", "provider_id": "prov-1", "engagement_date": date(2024, 1, 11),
         "beneficiary_type": "adult", "birth_month": None, "gender": "female", "ward_code": None,
         "ward_name": None, "ethnicity": "W1", "first_language": "English",
         "engagement_type": "group session", "attended": False},
    ]
    assert await db.fetchval("SELECT topic FROM inbox WHERE event_id = $1", envelope.event_id) == \
        "matching.records-matched.v1"


async def test_wards_seen_are_listed_once_with_their_name(builder, db, events):
    await builder.on_records_matched(events.matched("CAN", [
        events.record(2, "a", date(2024, 1, 1), ward=("E05014116", None)),
        events.record(3, "b", date(2024, 1, 1), ward=STOCKWELL),
        events.record(4, "c", date(2024, 1, 1)),
    ]))
    await builder.on_records_matched(events.matched("PC", [events.record(2, "a", date(2024, 1, 1),
                                                                         ward=("E05014122", None))]))
    assert [tuple(r) for r in await db.fetch("SELECT * FROM ward ORDER BY 1")] == \
        [("E05014116", "Stockwell"), ("E05014122", None)]


async def test_redelivered_envelopes_change_nothing(builder, db, events):
    upload_id = uuid.uuid4()
    first = events.matched("CAN", [events.record(2, "ind-1", date(2024, 1, 10))], upload_id=upload_id)
    rematch = events.matched("CAN", [events.record(2, "ind-9", date(2024, 1, 10))], upload_id=upload_id)
    merge = events.merged("ind-9", ["ind-1"])
    quality = events.validated(upload_id)
    await builder.on_records_matched(first)
    await builder.on_records_matched(rematch)  # a new event for the same rows overwrites them
    await builder.on_beneficiary_event(merge)
    await builder.on_upload_validated(quality)
    before = await snapshot(db)
    assert before["engagement"][0][2] == "ind-9"
    await builder.on_records_matched(first)  # applied again, it would bring ind-1 back
    await builder.on_records_matched(rematch)
    await builder.on_beneficiary_event(merge)
    await builder.on_upload_validated(quality)
    assert await snapshot(db) == before


async def test_state_change_and_inbox_commit_together(builder, db, events, monkeypatch):
    real = handlers.engagements.upsert_chunk

    async def write_then_fail(conn, event):
        await real(conn, event)
        raise ConnectionError("lost the database mid-transaction")

    monkeypatch.setattr(handlers.engagements, "upsert_chunk", write_then_fail)
    envelope = events.matched("CAN", [events.record(2, "ind-1", date(2024, 1, 10))])
    with pytest.raises(ConnectionError):
        await builder.on_records_matched(envelope)
    assert await db.fetchval("SELECT count(*) FROM engagement") == 0
    assert await db.fetchval("SELECT count(*) FROM inbox") == 0
    monkeypatch.undo()
    await builder.on_records_matched(envelope)  # the retry then succeeds in full
    assert await db.fetchval("SELECT count(*) FROM engagement") == 1


async def test_upload_validation_is_recorded_and_replaced_by_a_later_one(builder, db, events):
    upload_id = uuid.uuid4()
    await builder.on_upload_validated(events.validated(upload_id, outcome="rejected", rows_accepted=0,
                                                       rows_rejected=10, rejection_reason="missing column",
                                                       problems=[ProblemCount(code="missing_column",
                                                                              column="engagement_date",
                                                                              severity="error", rows=10)]))
    row = await db.fetchrow("SELECT * FROM upload_quality")
    assert (row["outcome"], row["rows_total"], row["rows_accepted"], row["rows_rejected"]) == ("rejected", 10, 0, 10)
    assert json.loads(row["problems"]) == [{"code": "missing_column", "column": "engagement_date",
                                           "severity": "error", "rows": 10}]
    await builder.on_upload_validated(events.validated(upload_id))
    row = await db.fetchrow("SELECT outcome, rows_accepted, problems, rejection_reason FROM upload_quality")
    assert (row["outcome"], row["rows_accepted"], json.loads(row["problems"]), row["rejection_reason"]) == \
        ("accepted", 9, [], None)


async def test_individual_matched_is_acknowledged_without_writing(builder, db):
    event = IndividualMatchedV1(individual_ref="ind-1", upload_id=uuid.uuid4(), service_code="CAN", records=2,
                                created=True, identifier_types=["email"])
    await builder.on_beneficiary_event(seal(event, producer="matcher", correlation_id="c"))
    assert all(rows == [] for rows in (await snapshot(db)).values())


async def test_an_event_on_the_wrong_topic_is_poison(builder, events):
    quality = events.validated(uuid.uuid4())
    with pytest.raises(PoisonMessage):
        await builder.on_records_matched(quality)
    with pytest.raises(PoisonMessage):
        await builder.on_beneficiary_event(quality)
    with pytest.raises(PoisonMessage):
        await builder.on_upload_validated(events.merged("a", ["b"]))


async def test_a_chunk_with_a_repeated_row_is_poison_and_writes_nothing(builder, db, events):
    twice = events.matched("CAN", [events.record(2, "a", date(2024, 1, 1)), events.record(2, "b", date(2024, 1, 1))])
    with pytest.raises(PoisonMessage, match="row_number appears twice"):
        await builder.on_records_matched(twice)
    assert await db.fetchval("SELECT count(*) FROM inbox") == 0
