"""The watermark: no figure says it is up to date while an upload or an event is on its way into it, a chunk's
records and the merges they caused arrive together, and an upload is announced reportable only once the
published figures include it."""

import uuid
from datetime import UTC, date, datetime

import httpx
import pytest

from leap_contracts.envelope import decode, seal
from leap_contracts.events import (FileReceivedV1, IndividualChanges, IndividualsChangedV2, Link, Merge,
                                   RecordsMatchedV1, RecordsWithdrawnV1, Unlink, UploadWithdrawnV1)

from leap_reporter.adapters.reach_index import ReachIndex
from leap_reporter.app import create_app
from leap_reporter.service import reportable
from leap_reporter.service.handlers import ReadModelBuilder
from leap_reporter.settings import Settings


@pytest.fixture
def plain(db) -> ReadModelBuilder:
    return ReadModelBuilder(db)


@pytest.fixture
async def reach(db, database_url):
    app = create_app(Settings(database_url=database_url, suppression=False))
    app.state.pool = db

    async def get() -> dict:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporter") as client:
            answer = (await client.get("/api/v1/reach", params={"consistency": "current"})).json()
            page = (await client.get("/")).text
        return {**answer, "page": page}
    return get


def received(upload_id: uuid.UUID):
    return seal(FileReceivedV1(upload_id=upload_id, provider_id="prov-1", service_code="CAN", file_format="csv",
                               size_bytes=10, sha256="0" * 64, received_at=datetime.now(UTC)),
                producer="uploader", correlation_id=str(upload_id))


def chunk(events, upload_id, index, records, *, merged=()):
    event = RecordsMatchedV1(upload_id=upload_id, provider_id="prov-1", service_code="CAN", chunk_index=index,
                             records=records, new_individuals=0, matched_existing=len(records),
                             changes=IndividualChanges(merged=list(merged)))
    return seal(event, producer="matcher", correlation_id=str(upload_id))


async def test_an_upload_is_not_yet_counted_until_every_chunk_is_in(plain, events, reach):
    upload = uuid.uuid4()
    await plain.on_upload_lifecycle(received(upload))
    waiting = await reach()
    assert waiting["up_to_date"] is False and waiting["not_yet_counted"] == {"uploads": 1, "events": 0}
    assert "Updating: 1 upload not yet counted" in waiting["page"]
    await plain.on_upload_validated(events.validated(upload, chunk_count=2))
    await plain.on_records_matched(chunk(events, upload, 0, [events.record(2, "a", date(2024, 4, 1))]))
    half = await reach()  # from the last index while data arrives: labelled, and counting what it holds
    assert half["up_to_date"] is False and half["not_yet_counted"]["uploads"] == 1
    assert datetime.fromisoformat(half["as_of"]) <= datetime.fromisoformat(waiting["as_of"])  # a lower bound
    await plain.on_records_matched(chunk(events, upload, 1, [events.record(3, "b", date(2024, 4, 2))]))
    done = await reach()
    assert done["up_to_date"] is True and done["unique_beneficiaries"] == 2
    assert done["not_yet_counted"] == {"uploads": 0, "events": 0}
    assert "not yet counted" not in done["page"]  # at most "newer data is being indexed", while the index catches up


async def test_an_upload_rejected_whole_is_not_waited_for(plain, events, reach):
    upload = uuid.uuid4()
    await plain.on_upload_lifecycle(received(upload))
    await plain.on_upload_validated(events.validated(upload, outcome="rejected", rows_accepted=0, rows_rejected=10,
                                                     chunk_count=0))
    assert (await reach())["up_to_date"] is True


async def test_a_withdrawal_is_waited_for_until_the_matcher_applied_it(plain, events, reach):
    upload = uuid.uuid4()
    await plain.on_upload_validated(events.validated(upload, chunk_count=1))
    await plain.on_records_matched(chunk(events, upload, 0, [events.record(2, "a", date(2024, 4, 1))]))
    assert (await reach())["up_to_date"] is True
    await plain.on_upload_lifecycle(seal(UploadWithdrawnV1(upload_id=upload, provider_id="prov-1", service_code="CAN"),
                                         producer="uploader", correlation_id=str(upload)))
    asked = await reach()
    assert asked["up_to_date"] is False and asked["unique_beneficiaries"] == 1
    await plain.on_records_matched(seal(RecordsWithdrawnV1(upload_id=upload, provider_id="prov-1", service_code="CAN",
                                                           records=1, changes=IndividualChanges()),
                                        producer="matcher", correlation_id=str(upload)))
    gone = await reach()
    assert gone["up_to_date"] is True and gone["unique_beneficiaries"] == 0


async def test_a_chunk_and_the_merges_it_caused_are_applied_together(plain, events, reach):
    first, second = uuid.uuid4(), uuid.uuid4()
    await plain.on_upload_validated(events.validated(first, chunk_count=1))
    await plain.on_upload_validated(events.validated(second, chunk_count=1))
    await plain.on_records_matched(chunk(events, first, 0, [events.record(2, "a", date(2024, 4, 1)),
                                                            events.record(3, "b", date(2024, 4, 2))]))
    assert (await reach())["unique_beneficiaries"] == 2
    # a record bridging a and b: the chunk carries it (as the survivor's) and the merge, in one event
    await plain.on_records_matched(chunk(events, second, 0, [events.record(2, "a", date(2024, 4, 3))],
                                         merged=[Merge(survivor_ref="a", merged_refs=["b"])]))
    bridged = await reach()
    assert bridged["up_to_date"] is True and bridged["unique_beneficiaries"] == 1


async def test_an_upload_is_announced_reportable_once_the_published_snapshot_includes_it(db, plain, events):
    index = ReachIndex(min_engagements=0, min_interval=0)
    first = uuid.uuid4()
    await plain.on_upload_validated(events.validated(first, chunk_count=1))
    await plain.on_records_matched(chunk(events, first, 0, [events.record(2, "a", date(2024, 4, 1))]))
    await index.refresh(db)
    assert await reportable.publish(db, index, "t.") == 1
    second = uuid.uuid4()
    await plain.on_upload_lifecycle(received(second))
    await plain.on_upload_validated(events.validated(second, chunk_count=1))
    assert await reportable.publish(db, index, "t.") == 0  # not counted yet
    await plain.on_records_matched(chunk(events, second, 0, [events.record(2, "b", date(2024, 4, 1))]))
    assert await reportable.publish(db, index, "t.") == 0  # counted, but the published snapshot lacks it
    await index.refresh(db)
    assert await reportable.publish(db, index, "t.") == 1
    assert await reportable.publish(db, index, "t.") == 0  # once
    sent = [decode(r["value"]) for r in await db.fetch("SELECT value FROM outbox ORDER BY id")]
    assert [(e.event_type, e.payload["upload_id"], e.payload["records"]) for e in sent] == [
        ("UploadReportableV1", str(first), 1), ("UploadReportableV1", str(second), 1)]
    await db.execute("DELETE FROM outbox")


def individuals_changed(upload_id, **changes):
    return seal(IndividualsChangedV2(upload_id=upload_id, service_code="CAN", chunk_index=0,
                                     changes=IndividualChanges(**changes)),
                producer="matcher", correlation_id=str(upload_id))


async def test_relationships_follow_the_matchers_commit_order_from_the_v2_stream(db, plain):
    link = Link(child_ref="kid", carer_ref="mum", via=["email"])
    ended = Unlink(child_ref="kid", carer_ref="mum", reason="upload_withdrawn")
    await plain.on_individuals_changed(individuals_changed(uuid.uuid4(), linked=[link]))
    await plain.on_individuals_changed(individuals_changed(uuid.uuid4(), ended=[ended]))
    assert await db.fetch("SELECT * FROM relationship") == []
    await plain.on_individuals_changed(individuals_changed(uuid.uuid4(), linked=[link]))  # linked again, later
    assert [tuple(r) for r in await db.fetch("SELECT child_ref, carer_ref FROM relationship")] == [("kid", "mum")]


async def test_a_chunks_records_carry_only_the_changes_that_commute(plain, events, db):
    upload = uuid.uuid4()
    await plain.on_upload_validated(events.validated(upload, chunk_count=1))
    event = RecordsMatchedV1(upload_id=upload, provider_id="prov-1", service_code="CAN", chunk_index=0,
                             records=[events.record(2, "kid", date(2024, 4, 1))], new_individuals=1,
                             matched_existing=0, changes=IndividualChanges(linked=[
                                 Link(child_ref="kid", carer_ref="mum", via=["email"])]))
    await plain.on_records_matched(seal(event, producer="matcher", correlation_id=str(upload)))
    assert await db.fetch("SELECT * FROM relationship") == []  # it comes, in order, on beneficiaries.events.v2
