"""The explanation of an individual: analysts and admins only (tokens or the uploader's sign-in), every call
audited, unknown and existing references alike to whoever is not admitted, walking refused; analysts never
see upload ids, row numbers, attributes or dates."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from matcher_helpers import chunk, new_upload, record, ref_of

from leap_contracts import identity
from leap_matcher.app import create_app
from leap_matcher.service.handlers import Matcher
from leap_matcher.settings import Settings

pytestmark = pytest.mark.integration
PRIVATE, PUBLIC = identity.new_key_pair()
ANALYST, ADMIN = {"Authorization": "Bearer analyst-t"}, {"Authorization": "Bearer admin-t"}


@pytest.fixture
async def ref(pool):
    await pool.execute("TRUNCATE explanation_audit, people_session")
    upload = new_upload()
    await Matcher(pool).on_records_pseudonymised(chunk(upload, 0, [
        record(2, {"email": "e-x", "provider_record_id": "x-1"}, birth_month="2021-04"),
        record(3, {"email": "e-x", "mobile": "m-x"})]))
    return await ref_of(pool, upload, 2), str(upload)


def client(pool, database_url, address="203.0.113.5", **settings) -> httpx.AsyncClient:
    app = create_app(Settings(database_url=database_url, analyst_token="analyst-t", admin_token="admin-t",
                              identity_public_key=PUBLIC, sign_in_url="https://uploader.example/sso/matcher",
                              **settings))
    app.state.pool_of = lambda: pool
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 1234)),
                             base_url="https://matcher")


def path(ref: str) -> str:
    return f"/api/v1/individuals/{ref}/explanation"


async def test_nobody_unadmitted_learns_anything_and_every_call_is_audited(pool, database_url, ref):
    known, _ = ref
    async with client(pool, database_url) as c:
        answers = [await c.get(path(r), headers=h) for r in (known, "IND-9999999999", "nonsense")
                   for h in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Bearer leap_provider"})]
    assert {a.status_code for a in answers} == {401}
    assert len({a.text for a in answers}) == 1  # the same answer, known reference or not
    rows = await pool.fetch("SELECT actor, role, requested, outcome FROM explanation_audit ORDER BY id")
    assert len(rows) == 9 and {r["outcome"] for r in rows} == {401} and {r["actor"] for r in rows} == {"anonymous"}


async def test_analysts_see_what_suppression_allows(pool, database_url, ref):
    known, upload = ref
    async with client(pool, database_url) as c:
        response = await c.get(path(known), headers=ANALYST)
    assert response.status_code == 200
    body = response.json()
    text = json.dumps(body)
    assert upload not in text and "row_number" not in text and "upload_id" not in text
    assert "attributes" not in body and "2021-04" not in text and "engagement_date" not in text
    assert [r["record"] for r in body["records"]] == [1, 2]
    assert [(j["identifier_type"], j["records"]) for j in body["joined_by"]] == [("email", [1, 2])]
    assert body["withheld"]
    [row] = await pool.fetch("SELECT actor, role, outcome FROM explanation_audit")
    assert dict(row) == {"actor": "token:analyst", "role": "analyst", "outcome": 200}


async def test_admins_see_upload_ids_and_rows_to_trace_a_providers_row(pool, database_url, ref):
    known, upload = ref
    async with client(pool, database_url) as c:
        body = (await c.get(path(known), headers=ADMIN)).json()
        assert (await c.get(path("IND-9999999999"), headers=ADMIN)).status_code == 404
        assert (await c.get(path("IND-99999999999999999999999"), headers=ADMIN)).status_code == 404  # no 500
    assert [(r["upload_id"], r["row_number"]) for r in body["records"]] == [(upload, 2), (upload, 3)]
    assert body["attributes"]
    outcomes = [r["outcome"] for r in await pool.fetch("SELECT outcome FROM explanation_audit ORDER BY id")]
    assert outcomes == [200, 404, 404]


async def test_references_cannot_be_walked(pool, database_url, ref):
    async with client(pool, database_url, explanations_per_minute=5) as c:
        answers = [(await c.get(path(f"IND-{n:010d}"), headers=ANALYST)).status_code for n in range(1, 9)]
        anonymous = [(await c.get(path(f"IND-{n:010d}"))).status_code for n in range(1, 9)]
    assert answers[5:] == [429, 429, 429] and 429 not in answers[:5]
    assert anonymous[5:] == [429, 429, 429]


async def test_people_sign_in_through_the_uploader_and_sign_out(pool, database_url, ref):
    known, _ = ref
    signing = identity.load_private_key(PRIVATE)
    async with client(pool, database_url) as c:
        signin = await c.get("/signin", params={"next": path(known)})
        assert signin.status_code == 303 and signin.headers["location"].startswith("https://uploader.example/sso/matcher?")
        state = c.cookies["leap_matcher_signin_state"]
        wrong_audience = identity.issue(signing, user_id=7, username="ana", role="analyst", audience="reporter")
        refused = await c.get("/signin/callback", params={"assertion": wrong_audience, "state": state})
        assert refused.status_code == 401
        provider = identity.issue(signing, user_id=8, username="pro", role="provider", audience="matcher")
        assert (await c.get("/signin/callback", params={"assertion": provider, "state": state})).status_code == 401
        good = identity.issue(signing, user_id=7, username="ana", role="analyst", audience="matcher")
        back = await c.get("/signin/callback", params={"assertion": good, "state": state, "next": path(known)})
        assert back.status_code == 303 and back.headers["location"] == path(known)
        assert (await c.get(path(known))).status_code == 200
        page = await c.get("/signout")
        csrf = page.text.split("name='csrf_token' value='")[1].split("'")[0]
        assert (await c.post("/signout", data={"csrf_token": "forged"})).status_code == 403
        assert (await c.post("/signout", data={"csrf_token": csrf})).status_code == 200
        assert (await c.get(path(known))).status_code == 401
    actors = {r["actor"] for r in await pool.fetch("SELECT actor FROM explanation_audit")}
    assert actors == {"user:ana", "anonymous"}


async def test_with_nothing_configured_nobody_is_admitted(pool, database_url, ref):
    known, _ = ref
    app = create_app(Settings(database_url=database_url))
    app.state.pool_of = lambda: pool
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m") as c:
        assert (await c.get(path(known))).status_code == 401
        assert (await c.get(path(known), headers={"Authorization": "Bearer "})).status_code == 401
