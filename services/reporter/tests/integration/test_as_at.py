""""As at" (issue 17): every past publication recomputed from the read model's history as at its watermark gives
exactly its published figures, after later replacements, withdrawals, merges and splits; reach and the figures
asked as_at a publication's time answer its figures; and the history is append-only."""

import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg
import httpx
import pytest

from leap_contracts.envelope import seal
from leap_contracts.events import IndividualSplitV1, RecordsWithdrawnV1, RelationshipEndedV1, RelationshipLinkedV1
from leap_contracts.events.beneficiaries import RecordRef, SplitPart

from leap_reporter.app import create_app
from leap_reporter.settings import Settings

ANALYST = "analyst-token-for-as-at"
Q4 = {"from": "2024-01-01", "to": "2024-03-31"}


@pytest.fixture
async def client(db, database_url):
    app = create_app(Settings(database_url=database_url, analyst_token=ANALYST, admin_token="admin-as-at"))
    app.state.pool = db  # the lifespan (Kafka) is not run here
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporter",
                                 headers={"Authorization": f"Bearer {ANALYST}"}) as client:
        yield client


def sealed(event):
    return seal(event, producer="matcher", correlation_id="c")


def people(events, refs, day, first_row=2, ward=("E1", "Stockwell")):
    return [events.record(first_row + i, ref, day + timedelta(days=i % 20), ward=ward) for i, ref in enumerate(refs)]


def withdrawn(upload_id, service, records, replaced_by=None):
    return sealed(RecordsWithdrawnV1(upload_id=upload_id, provider_id="prov-1", service_code=service, records=records,
                                     replaced_by=replaced_by))


async def publish(client, name):
    answer = await client.post("/api/v1/publications", json={"name": name, **Q4})
    assert answer.status_code == 201, answer.text
    return answer.json()


def values(figures):
    """Every figure's rows without their labels (a ward's name may be renamed since): what must be reproduced."""
    return {t["name"]: [[r[0], *r[2:]] for r in t["rows"]] for t in figures}


async def test_every_publication_is_reproduced_as_at_its_time_after_every_kind_of_change(client, builder, events):
    jan, feb, mar = date(2024, 1, 3), date(2024, 2, 5), date(2024, 3, 2)
    can, mir = uuid.uuid4(), uuid.uuid4()
    await builder.on_records_matched(events.matched("CAN", people(events, [f"c{i}" for i in range(40)], jan),
                                                    upload_id=can))
    await builder.on_records_matched(events.matched(
        "MIR", people(events, [f"c{i}" for i in range(10)] + [f"m{i}" for i in range(20)], feb,
                      ward=("E2", "Vassall")), upload_id=mir))
    published = [await publish(client, "1 first submissions")]

    # A resubmission: CAN's file replaced by one without c30..c39, with n0..n14, and c20..c29 seen twice.
    can2 = uuid.uuid4()
    rows = [f"c{i}" for i in range(30)] + [f"n{i}" for i in range(15)] + [f"c{i}" for i in range(20, 30)]
    await builder.on_records_matched(events.matched("CAN", people(events, rows, jan), upload_id=can2))
    await builder.on_records_matched(withdrawn(can, "CAN", 40, replaced_by=can2))
    published.append(await publish(client, "2 after a resubmission"))

    await builder.on_records_matched(withdrawn(mir, "MIR", 30))  # MIR withdraws its file
    published.append(await publish(client, "3 after a withdrawal"))

    for i in range(10):  # n0..n9 turn out to be c10..c19
        await builder.on_beneficiary_event(events.merged(f"c{10 + i}", [f"n{i}"]))
    published.append(await publish(client, "4 after merges"))

    for i in range(20, 30):  # each of c20..c29's second record is someone else
        await builder.on_beneficiary_event(sealed(IndividualSplitV1(
            individual_ref=f"c{i}", reason="identifier_quarantined", upload_id=can2,
            parts=[SplitPart(individual_ref=f"s{i}", records=[RecordRef(upload_id=can2, row_number=27 + i)])])))
    published.append(await publish(client, "5 after splits"))

    # Later still: a late upload for the quarter, another merge and split, and the resubmission withdrawn.
    await builder.on_records_matched(events.matched("PINE", people(events, [f"p{i}" for i in range(25)], mar)))
    await builder.on_beneficiary_event(events.merged("c0", ["c1", "c2", "c3"]))
    await builder.on_beneficiary_event(sealed(IndividualSplitV1(
        individual_ref="c10", reason="upload_withdrawn", upload_id=can2,
        parts=[SplitPart(individual_ref="x10", records=[RecordRef(upload_id=can2, row_number=2 + 30)])])))
    await builder.on_records_matched(withdrawn(can2, "CAN", 55))

    totals = []
    for manifest in published:
        mine = (await client.get(manifest["links"]["manifest"])).json()
        again = await client.get(manifest["links"]["as_published"])
        assert again.status_code == 200, again.text
        body = again.json()
        assert body["read_model_version"] == manifest["watermark"]["read_model_version"]
        assert all(body["reproduced"].values()), (manifest["name"], body["reproduced"])
        assert values(body["figures"]) == values(mine["figures"]), manifest["name"]
        total = next(r for r in next(t for t in mine["figures"] if t["name"] == "reach-by-service")["rows"]
                     if r[0] == "total")[2]
        totals.append(total)
        # The same as_at the publication's time, through the reach API and a figure.
        reach = (await client.get("/api/v1/reach", params={**Q4, "as_at": manifest["published_at"]})).json()
        assert (reach["unique_beneficiaries"], reach["as_at"]) == (total, manifest["published_at"])
        overlap = (await client.get("/api/v1/figures/overlap", params={**Q4, "as_at": manifest["published_at"]}))
        assert [[r[0], *r[2:]] for r in overlap.json()["rows"]] == values(mine["figures"])["overlap"]
    # Each change moved the figures (so reproducing them proves something).
    assert totals == [60, 65, 45, 35, 45]
    now = (await client.get("/api/v1/reach", params=Q4)).json()
    assert now["unique_beneficiaries"] == 25 and now["as_at"] is None


async def test_as_at_refuses_what_it_cannot_answer(client, builder, events):
    await builder.on_records_matched(events.matched("CAN", people(events, [f"c{i}" for i in range(10)],
                                                                  date(2024, 1, 3))))
    bad = await client.get("/api/v1/reach", params={"as_at": "5 April"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "as_at"]
    early = await client.get("/api/v1/reach", params={"as_at": "2001-01-01"})
    assert early.status_code == 422 and "before the read model's history" in early.json()["detail"][0]["msg"]
    quality = await client.get("/api/v1/figures/quality-uploads", params={"as_at": "2001-01-01"})
    assert quality.status_code == 422 and "for now only" in quality.json()["detail"][0]["msg"]
    future = (await client.get("/api/v1/reach", params={"as_at": "2999-01-01"})).json()
    assert future["as_at"] is None and future["unique_beneficiaries"] == 10  # not yet past: as it stands


async def test_the_history_is_append_only(builder, events, db):
    upload = uuid.uuid4()
    await builder.on_records_matched(events.matched("CAN", people(events, ["a", "b"], date(2024, 1, 3)),
                                                    upload_id=upload))
    await builder.on_records_matched(withdrawn(upload, "CAN", 2))
    assert await db.fetchval("SELECT count(*) FROM engagement_ended WHERE upload_id = $1", upload) == 2
    for statement in ("DELETE FROM engagement_ended", "UPDATE read_model_version_log SET at = now()",
                      "DELETE FROM individual_alias_change", "UPDATE upload_ended SET replaced_by = NULL"):
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await db.execute(statement)


async def test_a_re_matched_chunk_keeps_its_earlier_records_for_as_at(client, builder, events, db):
    upload = uuid.uuid4()
    await builder.on_records_matched(events.matched("CAN", people(events, [f"r{i}" for i in range(10)],
                                                                  date(2024, 1, 3)), upload_id=upload))
    before = datetime.now(UTC)
    # The same chunk matched again (a new event): every record now belongs to one individual.
    await builder.on_records_matched(events.matched("CAN", people(events, ["r0"] * 10, date(2024, 1, 3)),
                                                    upload_id=upload))
    assert await db.fetchval("SELECT count(*) FROM engagement_ended WHERE upload_id = $1", upload) == 10
    assert await db.fetchval("SELECT count(*) FROM engagement WHERE upload_id = $1", upload) == 10
    then = (await client.get("/api/v1/reach", params={"as_at": before.isoformat()})).json()
    now = (await client.get("/api/v1/reach")).json()
    assert (then["unique_beneficiaries"], now["unique_beneficiaries"]) == (10, "*")


async def test_families_as_at_before_a_link_ended(client, builder, events, db):
    await builder.on_records_matched(events.matched("CAN", people(events, [f"k{i}" for i in range(10)] +
                                                                  [f"c{i}" for i in range(10)], date(2024, 1, 3))))
    for i in range(10):
        await builder.on_beneficiary_event(sealed(RelationshipLinkedV1(child_ref=f"k{i}", carer_ref=f"c{i}",
                                                                       via=["email"])))
    before = datetime.now(UTC)
    for i in range(10):
        await builder.on_beneficiary_event(sealed(RelationshipEndedV1(child_ref=f"k{i}", carer_ref=f"c{i}",
                                                                      reason="upload_withdrawn")))
    assert await db.fetchval("SELECT count(*) FROM relationship_ended") == 10

    def families(answer):
        return {r[0]: r[2] for r in answer.json()["rows"]}["families_reached"]
    then = await client.get("/api/v1/figures/families", params={"as_at": before.isoformat()})
    assert then.status_code == 200, then.text
    assert (families(then), families(await client.get("/api/v1/figures/families"))) == (10, 0)
