"""Published returns (issue 17): publish, list, download byte for byte after the read model moved on, never
changed or deleted, suppressed as every figure is, and refused (409) while the figures are not up to date."""

import hashlib
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg
import httpx
import pytest
from openpyxl import load_workbook

from leap_contracts.envelope import seal
from leap_contracts.events import FileReceivedV1

from leap_reporter.adapters import read_model_state
from leap_reporter.app import create_app
from leap_reporter.service.handlers import ReadModelBuilder
from leap_reporter.settings import Settings

ADMIN, ANALYST = "admin-token-for-publications", "analyst-token-for-publications"
Q4 = {"name": "Q4 2023/24 funder return", "from": "2024-01-01", "to": "2024-03-31"}


@pytest.fixture
async def make_client(db, database_url):
    clients = []

    async def make(token: str | None = ANALYST, **settings):
        app = create_app(Settings(**{"database_url": database_url, "admin_token": ADMIN, "analyst_token": ANALYST,
                                     "code_version": "abc1234", **settings}))
        app.state.pool = db  # the lifespan (Kafka) is not run here
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporter",
                                   headers=headers)
        clients.append(client)
        return client
    yield make
    for client in clients:
        await client.aclose()


async def population(builder, events, *, day=date(2024, 1, 1)):
    """CAN: 33 people (c0..c32) in Q4 2023/24, MIR: 3 of them; wards: 30 in Stockwell, 3 in Vassall."""
    can = [events.record(i + 2, f"c{i}", day + timedelta(days=i),
                         ward=("E1", "Stockwell") if i < 30 else ("E2", "Vassall")) for i in range(33)]
    await builder.on_records_matched(events.matched("CAN", can))
    await builder.on_records_matched(events.matched("MIR", [events.record(i + 2, f"c{i}", day,
                                                                         ward=("E1", "Stockwell"))
                                                            for i in range(3)]))


def received(upload_id: uuid.UUID):
    return seal(FileReceivedV1(upload_id=upload_id, provider_id="prov-1", service_code="CAN", file_format="csv",
                               size_bytes=10, sha256="0" * 64, received_at=datetime.now(UTC)),
                producer="uploader", correlation_id=str(upload_id))


def rows_of(figures: list[dict], name: str) -> dict:
    table = next(t for t in figures if t["name"] == name)
    return {r[0]: r[2:] if len(r) > 3 else r[2] for r in table["rows"]}


async def test_publish_list_and_read_the_manifest(make_client, builder, events, db):
    await population(builder, events)
    client = await make_client()
    answer = await client.post("/api/v1/publications", json=Q4)
    assert answer.status_code == 201, answer.text
    manifest = answer.json()
    assert manifest["name"] == Q4["name"] and manifest["period"] == {"from": "2024-01-01", "to": "2024-03-31"}
    assert manifest["published_by"] == {"name": "analyst token", "role": "analyst"}
    mark = manifest["watermark"]
    assert mark["read_model_version"] == await read_model_state.version(db)
    assert mark["consumer_group"] == "leap-reporter" and mark["up_to_date"] is True
    assert mark["not_yet_counted"] == {"uploads": 0, "events": 0} and mark["as_of_label"] is None
    assert len(mark["uploads_counted"]) == 2
    assert mark["events_applied"] == {"matching.records-matched.v1": 2}
    assert mark["event_offsets"] == {"applied": None, "checked_at": None}  # no broker watched in this test
    assert {u["service_code"] for u in mark["uploads_counted"]} == {"CAN", "MIR"}
    assert manifest["code"] == {"package": "leap-reporter", "version": "0.1.0", "commit": "abc1234"}
    assert manifest["suppression"] == {"enabled": True, "threshold": 7, "rounding_base": 5}
    assert [f["name"] for f in manifest["figures"]] == [
        "reach-by-service", "reach-by-strand", "reach-by-ward", "reach-by-beneficiary_type", "reach-by-age_band",
        "reach-by-gender", "reach-by-ethnicity", "new-by-quarter", "overlap"]
    assert manifest["figures"][-2]["filters"] == {"from": None, "to": "2024-03-31"}

    listed = (await client.get("/api/v1/publications")).json()["publications"]
    mine = next(p for p in listed if p["publication_id"] == manifest["publication_id"])
    assert mine["name"] == Q4["name"] and mine["up_to_date"] is True and mine["published_by"] == "analyst token"
    assert mine["links"]["csv"] == f"/api/v1/publications/{manifest['publication_id']}/return.csv"

    one = (await client.get(manifest["links"]["manifest"])).json()
    assert one["manifest"] == {k: v for k, v in manifest.items() if k != "links"}
    assert rows_of(one["figures"], "reach-by-service")["total"] == 35
    for fmt in ("csv", "xlsx"):
        body = (await client.get(manifest["links"][fmt])).content
        assert hashlib.sha256(body).hexdigest() == manifest["files"][fmt]["sha256"]
    missing = await client.get(f"/api/v1/publications/{uuid.uuid4()}/return.csv")
    assert missing.status_code == 404 and "no published return" in missing.json()["detail"]


async def test_downloads_stay_byte_for_byte_after_a_later_upload_changes_the_figures(make_client, builder, events):
    await population(builder, events)
    client = await make_client()
    manifest = (await client.post("/api/v1/publications", json=Q4)).json()
    first = {fmt: (await client.get(manifest["links"][fmt])).content for fmt in ("csv", "xlsx")}
    before = (await client.get("/api/v1/reach", params={"from": Q4["from"], "to": Q4["to"]})).json()

    late = [events.record(i + 2, f"late{i}", date(2024, 3, 1)) for i in range(20)]  # a late upload for Q4
    await builder.on_records_matched(events.matched("PINE", late))
    after = (await client.get("/api/v1/reach", params={"from": Q4["from"], "to": Q4["to"]})).json()
    assert (before["unique_beneficiaries"], after["unique_beneficiaries"]) == (35, 55)

    again = {fmt: (await client.get(manifest["links"][fmt])).content for fmt in ("csv", "xlsx")}
    assert again == first
    assert (await client.get(manifest["links"]["manifest"])).json()["manifest"]["watermark"] == manifest["watermark"]
    book = load_workbook(io.BytesIO(again["xlsx"]))
    assert book.sheetnames[0] == "Return" and "reach-by-service" in book.sheetnames
    total = [r for r in book["reach-by-service"].iter_rows(values_only=True) if r[0] == "Total"]
    assert total == [("Total", 35)]
    newer = (await client.post("/api/v1/publications", json={**Q4, "name": "Q4 2023/24, revised"})).json()
    assert rows_of((await client.get(newer["links"]["manifest"])).json()["figures"], "reach-by-service")["total"] == 55
    assert len(newer["watermark"]["uploads_counted"]) == 3


async def test_a_published_row_is_never_updated_or_deleted(make_client, builder, events, db):
    await population(builder, events)
    client = await make_client()
    manifest = (await client.post("/api/v1/publications", json=Q4)).json()
    pid = uuid.UUID(manifest["publication_id"])
    for sql in ("UPDATE publication SET name = 'changed' WHERE publication_id = $1",
                "UPDATE publication SET csv = 'x'::bytea WHERE publication_id = $1",
                "DELETE FROM publication WHERE publication_id = $1"):
        with pytest.raises(asyncpg.RestrictViolationError, match="never changed or deleted"):
            await db.execute(sql, pid)
    with pytest.raises(asyncpg.RestrictViolationError, match="TRUNCATE refused"):
        await db.execute("TRUNCATE publication")
    assert await db.fetchval("SELECT name FROM publication WHERE publication_id = $1", pid) == Q4["name"]


async def test_stored_cells_are_suppressed_even_when_an_admin_publishes(make_client, builder, events):
    await population(builder, events)
    client = await make_client(ADMIN)
    manifest = (await client.post("/api/v1/publications", json=Q4)).json()
    assert manifest["published_by"] == {"name": "admin token", "role": "admin"}
    figures = (await client.get(manifest["links"]["manifest"])).json()["figures"]
    assert rows_of(figures, "reach-by-service") == {"CAN": "*", "MIR": "*", "total": 35}  # 33 and 3: never shown
    assert rows_of(figures, "reach-by-ward") == {"E1": "*", "E2": "*", "total": 35}
    overlap = next(t for t in figures if t["name"] == "overlap")
    assert {r[0]: r[2:] for r in overlap["rows"]} == {"CAN": [35, "*"], "MIR": ["*", "*"]}  # diagonal: rounded total
    csv = (await client.get(manifest["links"]["csv"])).content.decode("utf-8-sig")
    assert "33" not in csv.split("Unique beneficiaries by service")[1] and ",*" in csv
    assert "suppression" in csv.lower() and "analyst" not in csv and "admin" not in csv  # no publisher in files
    exact = await client.post("/api/v1/publications?suppression=off", json=Q4)  # not an option for a return
    assert exact.status_code == 201 and exact.json()["suppression"]["enabled"] is True


async def test_refused_while_not_up_to_date_unless_an_as_of_label_is_accepted(make_client, builder, events, db):
    await population(builder, events)
    await ReadModelBuilder(db).on_upload_lifecycle(received(uuid.uuid4()))  # received, not yet counted
    client = await make_client()
    stored = await db.fetchval("SELECT count(*) FROM publication")
    refused = await client.post("/api/v1/publications", json=Q4)
    assert refused.status_code == 409
    assert "not up to date" in refused.json()["detail"] and "1 upload not yet counted" in refused.json()["detail"]
    assert "accept_as_of" in refused.json()["detail"]
    assert await db.fetchval("SELECT count(*) FROM publication") == stored

    labelled = await client.post("/api/v1/publications", json={**Q4, "accept_as_of": True})
    assert labelled.status_code == 201, labelled.text
    mark = labelled.json()["watermark"]
    assert mark["up_to_date"] is False and mark["not_yet_counted"]["uploads"] == 1
    assert mark["as_of_label"].startswith("Not up to date when published: Updating: 1 upload not yet counted")
    csv = (await client.get(labelled.json()["links"]["csv"])).content.decode("utf-8-sig")
    assert "Not up to date" in csv


@pytest.mark.parametrize(("body", "field", "words"), [
    ({**Q4, "name": "  "}, "name", "give the return a name"),
    ({**Q4, "from": "2024-04-01"}, "from", "is after 'to'"),
    ({**Q4, "slicers": ["service", "postcode"]}, "slicers", "unknown slicer(s) postcode"),
])
async def test_a_bad_request_says_what_to_fix(make_client, body, field, words):
    answer = await (await make_client()).post("/api/v1/publications", json=body)
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", field] and words in problem["msg"]


async def test_only_analysts_and_admins_publish_and_read(make_client):
    nobody = await make_client(None)
    assert (await nobody.post("/api/v1/publications", json=Q4)).status_code == 401
    assert (await nobody.get("/api/v1/publications")).status_code == 401
    assert (await (await make_client("a-provider-token")).get("/api/v1/publications")).status_code == 401
    assert (await nobody.post("/api/v1/publications")).status_code == 401  # who first, then the body
    analyst = await make_client()
    assert (await analyst.post("/api/v1/publications")).status_code == 422
    nothing = f"/api/v1/publications/{uuid.UUID(int=0)}"
    assert [(await analyst.get(nothing + tail)).status_code for tail in ("", "/return.csv", "/return.xlsx")] == \
        [404, 404, 404]
    assert (await analyst.get("/publications")).status_code == 200
    assert (await analyst.post("/publications")).status_code == 403  # the page's form: a session and its token
    open_demo = await make_client(None, admin_token=None, analyst_token=None)  # no tokens: the local demo
    refused = await open_demo.post("/api/v1/publications", json=Q4)
    assert refused.status_code == 403 and "analyst or an admin" in refused.json()["detail"]


async def test_the_published_returns_page_lists_and_publishes(make_client, builder, events):
    await population(builder, events)
    api = await make_client()
    manifest = (await api.post("/api/v1/publications", json=Q4)).json()
    browser = await make_client(None)
    assert (await browser.get("/publications")).status_code == 303
    signed_in = await browser.post("/signin", data={"token": ANALYST, "next": "/publications"})
    assert signed_in.status_code == 303
    browser.cookies = signed_in.cookies
    page = await browser.get("/publications")
    assert page.status_code == 200 and "Published returns" in page.text
    assert manifest["links"]["csv"] in page.text and manifest["links"]["xlsx"] in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"csrf_token": token, "name": "From the page", "from": "2024-01-01", "to": "2024-03-31"}
    assert (await browser.post("/publications", data={**form, "csrf_token": "wrong"})).status_code == 403
    done = await browser.post("/publications", data=form)
    assert done.status_code == 303 and done.headers["location"].startswith("/publications?published=")
    listed = (await browser.get(done.headers["location"])).text
    assert "From the page" in listed and "Published: return" in listed
    bad = await browser.post("/publications", data={**form, "to": "31/03/2024"})
    assert bad.status_code == 422 and "is not a date" in bad.text
