"""Tolerant linkage on the real database: fuzzy links made and broken as chunks arrive and uploads are
withdrawn (same result in any order), each with its score and pattern; the review queue's answers
audited, allowed or refused."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from leap_matcher.adapters import tolerant_store
from leap_matcher.domain.tolerant import TolerantSettings
from leap_matcher.domain.tolerant.review import ReviewPolicy
from leap_matcher.service.tolerant_linking import answer_review, link_chunk, withdraw_upload

sys.path.insert(0, str(Path(__file__).parent))  # tolerant_chunks (import mode is importlib)
from tolerant_chunks import CHUNKS, UPLOADS

pytestmark = pytest.mark.integration
SETTINGS, POLICY = TolerantSettings(), ReviewPolicy()


@pytest.fixture(autouse=True)
async def empty(pool):
    await pool.execute("TRUNCATE tolerant_record, tolerant_token, fuzzy_link, review_item, review_audit")


async def _clusters(pool) -> dict[str, str]:
    async with pool.acquire() as conn:
        return {r[0]: r[1] for r in await conn.fetch("SELECT record_id, cluster FROM tolerant_record")}


async def test_fuzzy_links_are_made_with_score_and_pattern_in_any_order(pool):
    for chunk in CHUNKS:
        await link_chunk(pool, chunk, SETTINGS)
    await link_chunk(pool, CHUNKS[1], SETTINGS)  # redelivery: nothing new
    first = await _clusters(pool)
    a, b = (f"{u}:2" for u in UPLOADS[:2])
    assert first[a] == first[b]
    async with pool.acquire() as conn:
        link = await conn.fetchrow("SELECT score, pattern FROM fuzzy_link")
        assert link["score"] >= SETTINGS.link_at and '"mk_name_dob": "agree"' in link["pattern"]
        assert "mum" not in link["pattern"] and await tolerant_store.tolerant_reach(conn) == 2
        await conn.execute("TRUNCATE tolerant_record, tolerant_token, fuzzy_link, review_item, review_audit")
    for chunk in reversed(CHUNKS):
        await link_chunk(pool, chunk, SETTINGS)
    assert await _clusters(pool) == first


async def test_a_withdrawal_breaks_the_links_it_made(pool):
    for chunk in CHUNKS[:2]:
        await link_chunk(pool, chunk, SETTINGS)
    await withdraw_upload(pool, UPLOADS[0], SETTINGS)
    assert await _clusters(pool) == {f"{UPLOADS[1]}:2": f"{UPLOADS[1]}:2"}
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM fuzzy_link") == 0


async def test_review_answers_are_audited_and_an_accepted_pair_is_joined(pool):
    for chunk in CHUNKS:
        await link_chunk(pool, chunk, SETTINGS)
    async with pool.acquire() as conn:
        queue = await tolerant_store.pending_reviews(conn)
    assert len(queue) == 1 and queue[0]["pattern"]["carer"] == "disagree" and "NT" in queue[0]["services"]
    review_id = queue[0]["id"]
    ask = dict(policy=POLICY, settings=SETTINGS)
    assert await answer_review(pool, review_id, actor="user:ann", role="analyst", accept=True, reason="same", **ask) \
        == "not_allowed"
    assert await answer_review(pool, review_id, actor="user:bob", role="admin", accept=True, reason=" ", **ask) \
        == "reason_missing"
    assert await answer_review(pool, review_id, actor="user:bob", role="admin", accept=True,
                               reason="same child, father's e-mail", **ask) == "accepted"
    assert await answer_review(pool, review_id, actor="user:bob", role="admin", accept=False, reason="no", **ask) \
        == "already_decided"
    assert await answer_review(pool, 10**9, actor="user:bob", role="admin", accept=True, reason="x", **ask) == "not_found"
    assert len(set((await _clusters(pool)).values())) == 1
    async with pool.acquire() as conn:
        trail = [tuple(r) for r in await conn.fetch(
            "SELECT actor, role, action, outcome FROM review_audit WHERE review_id = $1 ORDER BY id", review_id)]
        assert await tolerant_store.pending_reviews(conn) == []
    assert trail == [("user:ann", "analyst", "accept", "not_allowed"), ("user:bob", "admin", "accept", "reason_missing"),
                     ("user:bob", "admin", "accept", "accepted"), ("user:bob", "admin", "reject", "already_decided")]
