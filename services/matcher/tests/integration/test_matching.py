"""The matcher on the real PostgreSQL: chunks applied once, merges, and concurrent instances."""

from __future__ import annotations

import random
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leap_matcher.adapters import individuals
from leap_matcher.service.handlers import Matcher

sys.path.insert(0, str(Path(__file__).parent))  # matcher_helpers (import mode is importlib)
from matcher_helpers import apply_concurrently, changes, chunk, emptied, partition, record, token

pytestmark = pytest.mark.integration


def rows_chunk(upload_id, index, rows):
    """rows: (row_number, {identifier type: token name})."""
    return chunk(upload_id, index, [record(n, ids) for n, ids in rows])


async def test_a_token_updated_or_removed_since_it_was_looked_up_is_seen_as_changed(pool):
    """What makes a chunk start again when another instance moved one of its tokens meanwhile."""
    await Matcher(pool).on_records_pseudonymised(rows_chunk(uuid.uuid4(), 0, [(2, {"email": "c1", "mobile": "c2"})]))
    email, mobile = bytes.fromhex(token("c1")), bytes.fromhex(token("c2"))
    async with pool.acquire() as conn:
        known = await individuals.lookup(conn, [email, mobile])
        assert not await individuals.changed_since(conn, known)
        await conn.execute("UPDATE identifier SET birth_months = '{2020-01}' WHERE token = $1", email)
        assert await individuals.changed_since(conn, known)
        known = await individuals.lookup(conn, [email, mobile])
        await conn.execute("DELETE FROM identifier WHERE token = $1", mobile)
        assert await individuals.changed_since(conn, known)


async def test_new_then_matched_then_bridged(pool):
    matcher, upload = Matcher(pool), uuid.uuid4()
    await matcher.on_records_pseudonymised(rows_chunk(upload, 0, [(2, {"email": "e1"}), (3, {"mobile": "m1"})]))
    assert await pool.fetchval("SELECT count(*) FROM individual") == 2
    await matcher.on_records_pseudonymised(rows_chunk(upload, 1, [(4, {"email": "e1", "mobile": "m1"})]))
    live = await pool.fetch("SELECT ref FROM individual WHERE merged_into IS NULL")
    assert len(live) == 1 and live[0]["ref"] == "IND-0000000001"  # the oldest survives
    assert len(await partition(pool)) == 1
    merged = await changes(pool, "merged")
    assert merged == [{"survivor_ref": "IND-0000000001", "merged_refs": ["IND-0000000002"]}]


async def test_redelivery_changes_nothing(pool):
    matcher, envelope = Matcher(pool), rows_chunk(uuid.uuid4(), 0, [(2, {"email": "x"})])
    await matcher.on_records_pseudonymised(envelope)
    before = await pool.fetchval("SELECT count(*) FROM outbox")
    await matcher.on_records_pseudonymised(envelope)
    assert await pool.fetchval("SELECT count(*) FROM record") == 1
    assert await pool.fetchval("SELECT count(*) FROM outbox") == before


async def test_events_carry_no_tokens(pool):
    await Matcher(pool).on_records_pseudonymised(rows_chunk(uuid.uuid4(), 0, [(2, {"email": "secret"})]))
    for row in await pool.fetch("SELECT value FROM outbox"):
        assert token("secret").encode() not in row["value"]


def components_directly(records):
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for key, names in records:
        for name in names:
            parent[find(("r", key))] = find(("t", name))
    groups: dict = {}
    for key, _ in records:
        groups.setdefault(find(("r", key)), []).append(key)
    return sorted(sorted(g) for g in groups.values())


@settings(max_examples=8, deadline=None)
@given(
    names=st.lists(st.lists(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=3),
                   min_size=1, max_size=60),
    instances=st.integers(1, 3), chunk_size=st.integers(1, 12), seed=st.integers(0, 10**6),
)
async def test_any_order_and_split_gives_the_connected_components(database_url, names, instances, chunk_size, seed):
    async with emptied(database_url) as pool:
        kinds = ("email", "mobile", "nhs_number")
        upload = uuid.uuid4()
        rows = [(n + 2, {kinds[i]: f"t{v}" for i, v in enumerate(dict.fromkeys(ids))}) for n, ids in enumerate(names)]
        random.Random(seed).shuffle(rows)
        chunks = [rows_chunk(upload, i, rows[s:s + chunk_size]) for i, s in enumerate(range(0, len(rows), chunk_size))]
        await apply_concurrently([Matcher(pool) for _ in range(instances)], chunks)
        expected = components_directly([((str(upload), n), list(ids.values())) for n, ids in rows])
        assert await partition(pool) == expected
        live = await pool.fetchval("SELECT count(*) FROM individual WHERE merged_into IS NULL")
        assert live == len(expected)
