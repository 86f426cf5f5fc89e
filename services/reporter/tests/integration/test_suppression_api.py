"""Suppression on by default on every published figure; only an admin can switch it off; sign-in."""

from datetime import date, timedelta

import httpx
import pytest

from leap_reporter.app import create_app
from leap_reporter.settings import Settings

ADMIN, ANALYST = "admin-token-for-tests", "analyst-token-for-tests"


@pytest.fixture
async def make_client(db, database_url):
    clients = []

    async def make(**settings):
        app = create_app(Settings(database_url=database_url, **settings))
        app.state.pool = db
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporter")
        clients.append(client)
        return client
    yield make
    for client in clients:
        await client.aclose()


async def population(builder, events):
    """CAN: 33 people (c0..c32), MIR: 3 of them; wards: 30 in Stockwell, 3 in Vassall."""
    day = date(2024, 1, 1)
    can = [events.record(i + 2, f"c{i}", day + timedelta(days=i),
                         ward=("E1", "Stockwell") if i < 30 else ("E2", "Vassall")) for i in range(33)]
    await builder.on_records_matched(events.matched("CAN", can))
    await builder.on_records_matched(events.matched("MIR", [events.record(i + 2, f"c{i}", day, ward=("E1", "Stockwell"))
                                                            for i in range(3)]))


async def test_default_is_suppressed_with_secondary_suppression(make_client, builder, events):
    await population(builder, events)
    client = await make_client(admin_token=ADMIN)
    body = (await client.get("/api/v1/reach")).json()
    assert body["suppressed"] is True and body["unique_beneficiaries"] == 35
    assert {s["service_code"]: s["unique_beneficiaries"] for s in body["by_service"]} == {"CAN": "*", "MIR": "*"}
    wards = {r[0]: r[2] for r in (await client.get("/api/v1/figures/reach-by-ward")).json()["rows"]}
    assert wards == {"E1": "*", "E2": "*", "total": 35}


async def test_no_breakdown_reveals_a_suppressed_cell_by_differencing(make_client, builder, events):
    await population(builder, events)
    client = await make_client()
    totals = set()
    for name in ("reach-by-service", "reach-by-ward", "reach-by-gender", "reach-by-month", "reach-by-age_band",
                 "services-per-individual", "contacts-per-individual"):
        rows = (await client.get(f"/api/v1/figures/{name}")).json()["rows"]
        cells = [r[2] for r in rows if r[0] != "total"]
        assert all(c == "*" or c % 5 == 0 for c in cells), (name, cells)
        assert [c for c in cells if c == "*"].__len__() != 1, (name, cells)  # never a lone suppressed cell
        totals.add(next(r[2] for r in rows if r[0] == "total"))
    assert totals == {35}  # the same population's total is the same rounded figure in every breakdown


async def test_only_an_admin_can_switch_suppression_off(make_client, builder, events):
    await population(builder, events)
    client = await make_client(admin_token=ADMIN, analyst_token=ANALYST)
    assert (await client.get("/api/v1/reach")).status_code == 401
    analyst = {"Authorization": f"Bearer {ANALYST}"}
    assert (await client.get("/api/v1/reach", headers=analyst)).json()["unique_beneficiaries"] == 35
    assert (await client.get("/api/v1/reach", params={"suppression": "off"}, headers=analyst)).status_code == 403
    exact = (await client.get("/api/v1/reach", params={"suppression": "off"},
                              headers={"Authorization": f"Bearer {ADMIN}"})).json()
    assert exact["suppressed"] is False and exact["unique_beneficiaries"] == 33
    assert {s["service_code"]: s["unique_beneficiaries"] for s in exact["by_service"]} == {"CAN": 33, "MIR": 3}
    assert (await client.get("/api/v1/reach", headers={"Authorization": "Bearer wrong"})).status_code == 401


async def test_dashboard_sign_in_sets_a_session(make_client, builder, events):
    await population(builder, events)
    client = await make_client(analyst_token=ANALYST)
    page = await client.get("/")
    assert page.status_code == 303 and page.headers["location"].startswith("/signin")
    wrong = await client.post("/signin", data={"token": "nope", "next": "/"})
    assert wrong.status_code == 401 and "not valid" in wrong.text
    signed = await client.post("/signin", data={"token": ANALYST, "next": "/engagement"})
    assert signed.status_code == 303 and signed.headers["location"] == "/engagement"
    page = await client.get("/")
    assert page.status_code == 200 and 'id="headline">35<' in page.text
    for path in ("/engagement", "/quality", "/?period=month&service=CAN"):
        assert (await client.get(path)).status_code == 200, path
    bad = await client.get("/?from=yesterday")
    assert bad.status_code == 422 and "is not a date" in bad.text
