"""Tolerant linkage in the reporter, on the real database: records' tolerant individuals applied newest version
first whatever the delivery order; published reach under the admin's linkage policy with the other count beside
it; the policy refused (and audited) while tolerant linkage is not running or for anyone but an admin; the
linkage-quality tables on the data-quality page, counts only."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import httpx
import pytest

from leap_contracts.envelope import seal
from leap_contracts.events import LinkageQualityMeasuredV1, TolerantAssignment, TolerantRecordsRelinkedV1, UploadLinkage

from leap_reporter.app import create_app
from leap_reporter.service.linkage_handlers import LinkageReadModel
from leap_reporter.settings import Settings

ADMIN, ANALYST = {"Authorization": "Bearer admin-t"}, {"Authorization": "Bearer analyst-t"}


def _relinked(upload: uuid.UUID, *assigned: tuple[int, str, int]):
    records = [TolerantAssignment(upload_id=upload, row_number=row, tolerant_ref=ref, version=v)
               for row, ref, v in assigned]
    return seal(TolerantRecordsRelinkedV1(upload_id=upload, records=records), producer="matcher", correlation_id="t")


def _client(db, database_url, running: bool) -> httpx.AsyncClient:
    app = create_app(Settings(database_url=database_url, suppression=False, tolerant_linking=running,
                              admin_token="admin-t", analyst_token="analyst-t"))
    app.state.pool = db  # the lifespan (Kafka consumers) is not run here
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporter")


@pytest.fixture
async def read_model(db, builder, events):
    """Three records of two exact individuals (a mistyped name) whom tolerant linkage joins, and a third person."""
    await db.execute("UPDATE linkage_policy SET published = 'exact'")
    upload = uuid.uuid4()
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "IND-1", date(2024, 4, 1)),
                                                            events.record(3, "IND-2", date(2024, 4, 2)),
                                                            events.record(4, "IND-3", date(2024, 4, 2))],
                                                    upload_id=upload))
    linked = LinkageReadModel(db)
    # delivered out of order: row 3 first joined TOL-9 (version 2), then TOL-1 (version 5): the newest wins
    await linked.on_tolerant_relinked(_relinked(upload, (3, "TOL-0000000001", 5)))
    await linked.on_tolerant_relinked(_relinked(upload, (2, "TOL-0000000001", 1), (3, "TOL-0000000009", 2),
                                                (4, "TOL-0000000004", 3)))
    return upload


async def test_newest_assignment_wins_and_a_withdrawal_removes_them(db, read_model, builder):
    rows = {r[0]: r[1] for r in await db.fetch("SELECT row_number, tolerant_ref FROM tolerant_assignment")}
    assert rows == {2: "TOL-0000000001", 3: "TOL-0000000001", 4: "TOL-0000000004"}
    from leap_contracts.events import RecordsWithdrawnV1
    withdrawn = RecordsWithdrawnV1(upload_id=read_model, provider_id="prov-1", service_code="CAN", records=3,
                                   removed_refs=[])
    await builder.on_records_matched(seal(withdrawn, producer="matcher", correlation_id="t"))
    assert await db.fetchval("SELECT count(*) FROM tolerant_assignment") == 0


async def test_reach_uses_the_published_linkage_with_the_other_count_beside_it(db, database_url, read_model):
    async with _client(db, database_url, running=True) as client:
        exact = (await client.get("/api/v1/reach", headers=ANALYST)).json()
        assert exact["unique_beneficiaries"] == 3
        assert exact["linkage"] == {"published": "exact", "tolerant_running": True, "exact": 3, "tolerant": 2,
                                    "difference": 1, "exact_over_count": 0.5, "note": None}
        refused = await client.put("/api/v1/linkage/policy", json={"published": "tolerant"}, headers=ANALYST)
        assert refused.status_code == 403
        changed = await client.put("/api/v1/linkage/policy", json={"published": "tolerant"}, headers=ADMIN)
        assert changed.status_code == 200 and changed.json()["in_force"] == "tolerant"
        tolerant = (await client.get("/api/v1/reach", headers=ANALYST)).json()
        assert tolerant["unique_beneficiaries"] == 2 and tolerant["by_service"][0]["unique_beneficiaries"] == 2
        assert (tolerant["linkage"]["published"], tolerant["linkage"]["exact"]) == ("tolerant", 3)
        table = (await client.get("/api/v1/figures/reach-by-service", headers=ANALYST)).json()
        assert table["rows"][-1][2] == 2 and "tolerant linkage" in table["note"]
        contacts = (await client.get("/api/v1/figures/contacts-per-individual", headers=ANALYST)).json()
        assert {r[0]: r[2] for r in contacts["rows"]}["2"] == 1 and "tolerant linkage" in contacts["note"]
        past = (await client.get("/api/v1/reach", headers=ANALYST,
                                 params={"as_at": datetime.now(UTC).isoformat()})).json()  # as at a moment past
        assert past["unique_beneficiaries"] == 3 and "tolerant linkage keeps no history" in past["linkage"]["note"]
        unknown = await client.put("/api/v1/linkage/policy", json={"published": "fuzzy"}, headers=ADMIN)
        assert unknown.status_code == 422 and "choose 'exact' or 'tolerant'" in unknown.json()["detail"]
    audit = [tuple(r) for r in await db.fetch("SELECT actor, asked, outcome FROM linkage_policy_audit ORDER BY id")]
    assert audit[-3:] == [("analyst token", "tolerant", "not_allowed"), ("admin token", "tolerant", "changed"),
                          ("admin token", "fuzzy", "refused")]


async def test_without_tolerant_linkage_the_policy_cannot_choose_it(db, database_url, read_model):
    async with _client(db, database_url, running=False) as client:
        refused = await client.put("/api/v1/linkage/policy", json={"published": "tolerant"}, headers=ADMIN)
        assert refused.status_code == 409 and "tolerant linkage is not running" in refused.json()["detail"]
        reach = (await client.get("/api/v1/reach", headers=ANALYST)).json()
        assert reach["unique_beneficiaries"] == 3 and reach["linkage"]["tolerant_running"] is False
        assert reach["linkage"]["tolerant"] is None and "not running" in reach["linkage"]["note"]
        page = await client.get("/", headers=ANALYST)
        assert "Tolerant linkage is not running" in page.text


async def test_linkage_quality_tables_hold_suppressed_counts_only(db, database_url, read_model):
    quality = LinkageQualityMeasuredV1(
        measured_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC), version=7, exact_individuals=3, tolerant_individuals=2,
        pending_reviews=1, individuals_with_two_nhs_numbers=3, identifiers_across_birth_months=0,
        uploads=[UploadLinkage(upload_id=read_model, provider_id="prov-1", records=400, fuzzy_linked=40, split=3)])
    linked = LinkageReadModel(db)
    await linked.on_linkage_quality(seal(quality, producer="matcher", correlation_id="q"))
    older = quality.model_copy(update={"version": 6, "pending_reviews": 50})
    await linked.on_linkage_quality(seal(older, producer="matcher", correlation_id="q"))  # late: ignored
    app = create_app(Settings(database_url=database_url, tolerant_linking=True, analyst_token="analyst-t"))
    app.state.pool = db
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporter") as client:
        summary = (await client.get("/api/v1/figures/quality-linkage", headers=ANALYST)).json()
        by_provider = (await client.get("/api/v1/figures/quality-linkage-by-provider", headers=ANALYST)).json()
        page = await client.get("/quality", headers=ANALYST)
    rows = {r[0]: r[2] for r in summary["rows"]}
    assert rows["exact"] == "*" and rows["tolerant"] == "*" and rows["over_count"] == "*"  # 3 and 2: suppressed
    assert rows["two_nhs"] == "*" and rows["birth_months"] == 0 and rows["pending_reviews"] == "*"
    assert rows["fuzzy_share"] == "10.0%" and rows["measured_at"] == "2026-01-02 03:04 UTC"
    assert by_provider["rows"] == [["prov-1", "prov-1", 400, 40, "10.0%", "*", "*"]]
    assert page.status_code == 200 and "Merge and split rates per upload" in page.text
    assert "TOL-" not in page.text and "IND-" not in page.text


async def test_an_admin_chooses_the_linkage_on_the_reach_page(db, database_url, read_model):
    import re
    async with _client(db, database_url, running=True) as client:
        signed_in = await client.post("/signin", data={"token": "admin-t", "next": "/"})
        client.cookies = signed_in.cookies
        page = (await client.get("/")).text
        assert "Published reach uses <strong>exact</strong> linkage" in page
        assert re.search(r'id="linkage-tolerant">2<', page) and re.search(r'id="linkage-difference">1<', page)
        csrf = re.search(r'action="/linkage/policy".*?name="csrf_token" value="([^"]+)"', page, re.S).group(1)
        assert (await client.post("/linkage/policy", data={"published": "tolerant"})).status_code == 403  # no token
        chosen = await client.post("/linkage/policy", data={"published": "tolerant", "csrf_token": csrf})
        assert chosen.status_code == 303 and chosen.headers["location"] == "/?linkage=changed"
        page = (await client.get("/")).text
        assert "Published reach uses <strong>tolerant</strong> linkage" in page and 'id="headline">2<' in page
