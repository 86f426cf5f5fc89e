"""The programme page and the Theory of Change configured as data (admins only)."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from leap_reporter.app import create_app
from leap_reporter.settings import Settings

ADMIN, ANALYST = "admin-token-for-tests", "analyst-token-for-tests"
DOCUMENT = {"outcomes": [{"name": "Children talk", "services": ["MIR", "DL"], "indicator": "asq3_communication"}]}


@pytest.fixture
async def client(db, database_url):
    await db.execute("TRUNCATE theory_of_change")
    app = create_app(Settings(database_url=database_url, admin_token=SecretStr(ADMIN),
                              analyst_token=SecretStr(ANALYST)))
    app.state.pool = db
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporter") as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_only_admins_change_the_theory_of_change_and_it_is_checked(client):
    assert (await client.put("/api/v1/theory-of-change", json=DOCUMENT, headers=bearer(ANALYST))).status_code == 403
    bad = {"outcomes": [{"name": "x", "services": ["NOPE"], "indicator": "asq3_communication"}]}
    refused = await client.put("/api/v1/theory-of-change", json=bad, headers=bearer(ADMIN))
    assert refused.status_code == 422 and "NOPE" in refused.json()["detail"]
    assert (await client.put("/api/v1/theory-of-change", json=DOCUMENT, headers=bearer(ADMIN))).status_code == 200
    saved = (await client.get("/api/v1/theory-of-change", headers=bearer(ANALYST))).json()
    assert saved["outcomes"] == DOCUMENT["outcomes"] and saved["saved_by"] == "admin"


async def test_the_programme_page_shows_reach_depth_outcomes_and_the_theory_of_change(client, builder, events):
    from datetime import date
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "a", date(2024, 4, 1))]))
    await client.put("/api/v1/theory-of-change", json=DOCUMENT, headers=bearer(ADMIN))
    page = await client.get("/programme", headers=bearer(ANALYST))
    assert page.status_code == 200
    for part in ('id="reach-over-time"', 'id="engagement-depth"', 'id="outcomes-side-by-side"',
                 'id="theory-of-change"', "Children talk", "MIR Making it REAL", "ASQ-3 at 2-2½ years: communication"):
        assert part in page.text
    assert (await client.get("/programme")).status_code in (303, 307)  # sign-in first


@pytest.mark.parametrize("name", ["outcomes-by-services-engaged", "outcomes-by-strand", "outcomes-by-service",
                                  "outcomes-by-ward", "outcomes-by-year", "outcomes-coverage", "outcomes-linkage"])
async def test_outcome_figures_export_as_today(client, name):
    for fmt, kind in (("json", "application/json"), ("csv", "text/csv"),
                      ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
        response = await client.get(f"/api/v1/figures/{name}", params={"format": fmt}, headers=bearer(ANALYST))
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind), (name, fmt)
    listed = (await client.get("/api/v1/figures")).json()["figures"]
    assert name in listed


async def test_the_programme_page_offers_the_reach_slicers_and_its_outcome_tables_take_them(client):
    page = await client.get("/programme", params={"ward": "Stockwell", "age_band": "1 year"}, headers=bearer(ANALYST))
    assert page.status_code == 200 and 'id="slicers"' in page.text
    assert 'id="outcome-filters"' in page.text and "not applied to outcome records: age_band" in page.text
    assert "/api/v1/figures/outcomes-by-ward?ward=Stockwell" in page.text
