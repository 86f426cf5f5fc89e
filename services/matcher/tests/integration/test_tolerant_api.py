"""Tolerant linkage over HTTP: the review queue and a fuzzy link's score and pattern for analysts and
admins only; only an admin answers, each answer audited; signed-in people need the CSRF token."""

from __future__ import annotations

import sys
import uuid
from datetime import date
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from matcher_helpers import ref_of
from tolerant_chunks import _child, _chunk

from leap_contracts.envelope import seal
from leap_matcher.app import create_app
from leap_matcher.domain.tolerant import TolerantSettings
from leap_matcher.service.handlers import Matcher
from leap_matcher.service.tolerant_linking import link_chunk
from leap_matcher.settings import Settings

pytestmark = pytest.mark.integration
ANALYST, ADMIN = {"Authorization": "Bearer analyst-t"}, {"Authorization": "Bearer admin-t"}
UPLOADS = [uuid.UUID(int=i) for i in range(11, 14)]
DOB = date(2021, 7, 4)


@pytest.fixture
async def linked(pool):
    await pool.execute("TRUNCATE tolerant_record, tolerant_token, fuzzy_link, review_item, review_audit, "
                       "explanation_audit")
    chunks = [_chunk(UPLOADS[0], "DL", [_child(2, "DL", "1", "Olivia", DOB, "mum@x.net")]),
              _chunk(UPLOADS[1], "OHP", [_child(2, "OHP", "1", "Oilvia", DOB, "mum@x.net")]),
              _chunk(UPLOADS[2], "NT", [_child(2, "NT", "1", "Olivia", DOB, "dad@x.net")])]
    for event in chunks:
        await Matcher(pool).on_records_pseudonymised(seal(event, producer="test", correlation_id="t"))
        await link_chunk(pool, event, TolerantSettings())
    return await ref_of(pool, UPLOADS[0], 2)


def client(pool, database_url) -> httpx.AsyncClient:
    app = create_app(Settings(database_url=database_url, analyst_token="analyst-t", admin_token="admin-t"))
    app.state.pool_of = lambda: pool
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("203.0.113.9", 1)),
                             base_url="https://matcher")


async def test_the_queue_and_a_fuzzy_links_explanation_for_analysts_and_admins_only(pool, database_url, linked):
    async with client(pool, database_url) as c:
        assert (await c.get("/api/v1/tolerant/review")).status_code == 401
        queue = (await c.get("/api/v1/tolerant/review", headers=ANALYST)).json()
        explained = (await c.get(f"/api/v1/individuals/{linked}/tolerant-links", headers=ANALYST)).json()
        assert (await c.get(f"/api/v1/individuals/{linked}/tolerant-links")).status_code == 401
    assert len(queue) == 1 and set(queue[0]) == {"id", "score", "pattern", "services"}
    assert explained["records"] == 2 and explained["exact_individuals"] == 2
    (link,) = explained["fuzzy_links"]
    assert link["pattern"]["mk_name_dob"] == "agree" and link["score"] >= 2
    text = str(queue) + str(explained)
    assert str(UPLOADS[0]) not in text and "@" not in text  # no record ids, tokens or values


async def test_only_an_admin_answers_and_every_answer_is_audited(pool, database_url, linked):
    async with client(pool, database_url) as c:
        (item,) = (await c.get("/api/v1/tolerant/review", headers=ADMIN)).json()
        path = f"/api/v1/tolerant/review/{item['id']}"
        refused = await c.post(path, headers=ANALYST, json={"accept": True, "reason": "looks the same"})
        accepted = await c.post(path, headers=ADMIN, json={"accept": True, "reason": "same child, other carer"})
        again = await c.post(path, headers=ADMIN, json={"accept": False, "reason": "changed my mind"})
        assert (await c.get("/api/v1/tolerant/review", headers=ADMIN)).json() == []
        explained = (await c.get(f"/api/v1/individuals/{linked}/tolerant-links", headers=ADMIN)).json()
    assert (refused.status_code, accepted.status_code, again.status_code) == (403, 200, 409)
    assert accepted.json() == {"id": item["id"], "state": "accepted"}
    assert explained["records"] == 3 and {"review": "accepted"} in [link["pattern"] for link in explained["fuzzy_links"]]
    trail = await pool.fetch("SELECT actor, outcome FROM review_audit WHERE review_id = $1 ORDER BY id", item["id"])
    assert [tuple(r) for r in trail] == [("token:analyst", "not_allowed"), ("token:admin", "accepted"),
                                         ("token:admin", "already_decided")]


async def test_linkage_quality_is_counts_with_small_numbers_suppressed(pool, database_url, linked):
    async with client(pool, database_url) as c:
        assert (await c.get("/api/v1/tolerant/quality")).status_code == 401
        figures = (await c.get("/api/v1/tolerant/quality", headers=ANALYST)).json()
    assert figures["reach"] == {"exact": None, "tolerant": None, "difference": None, "exact_over_count": None,
                                "exact_over_count_if_reviews_accepted": None, "pending_reviews": None}
    assert [row["records"] for row in figures["by_upload"]] == [None, None, None]  # 1 record each: suppressed
    assert figures["by_provider"] == [{"provider_id": "p", "records": None, "fuzzy_linked_share": None,
                                       "split_share": None}]
    assert figures["findings"] == {"individuals_with_two_nhs_numbers": 0, "identifiers_across_birth_months": 0}


def test_suppression_and_the_over_count_estimate():
    from leap_matcher.domain.tolerant.quality import Suppression, reach_comparison
    s = Suppression(threshold=7)
    assert [s.count(n) for n in (0, 1, 6, 7)] == [0, None, None, 7]
    assert s.rate(7, 70) == 0.1 and s.rate(3, 70) is None and s.rate(0, 70) == 0.0
    assert reach_comparison(1_100, 1_000, 50, s) == {
        "exact": 1_100, "tolerant": 1_000, "difference": 100, "exact_over_count": 0.1,
        "exact_over_count_if_reviews_accepted": round(150 / 950, 4), "pending_reviews": 50}


async def test_linkage_quality_per_upload_when_numbers_are_large_enough(pool, database_url):
    await pool.execute("TRUNCATE tolerant_record, tolerant_token, fuzzy_link, review_item, review_audit")
    names = [("Olivia", "Oilvia"), ("Amara", "Aamra"), ("Kwame", "Kawme"), ("Theo", "Teho"), ("Grace", "Garce"),
             ("Ravi", "Rvai"), ("Ifeoma", "Ifoema"), ("Nadia", "Ndaia")]
    uploads = (uuid.UUID(int=21), uuid.UUID(int=22))
    for upload, service, side in ((uploads[0], "DL", 0), (uploads[1], "OHP", 1)):
        records = [_child(row, service, f"c{row}", pair[side], date(2021, 1, row), f"carer{row}@x.net")
                   for row, pair in enumerate(names, start=2)]
        event = _chunk(upload, service, records)
        await Matcher(pool).on_records_pseudonymised(seal(event, producer="test", correlation_id="t"))
        await link_chunk(pool, event, TolerantSettings())
    async with client(pool, database_url) as c:
        figures = (await c.get("/api/v1/tolerant/quality", headers=ADMIN)).json()
    assert figures["reach"]["exact"] == 16 and figures["reach"]["tolerant"] == 8
    assert figures["reach"]["exact_over_count"] == 1.0
    assert [(r["records"], r["fuzzy_linked_share"], r["split_share"]) for r in figures["by_upload"]] == [(8, 1.0, 0.0)] * 2


async def test_the_explanation_shows_the_fuzzy_links_score_and_pattern(pool, database_url, linked):
    async with client(pool, database_url) as c:
        for headers in (ANALYST, ADMIN):
            tolerant = (await c.get(f"/api/v1/individuals/{linked}/explanation", headers=headers)).json()["tolerant"]
            assert tolerant["records"] == 2 and tolerant["exact_individuals"] == 2
            assert tolerant["fuzzy_links"][0]["pattern"]["mk_name_dob"] == "agree"
