"""Children and their carers arriving in any order, in any chunks, on 1-3 concurrent instances: every
child is linked to exactly the adults holding the carer tokens its records name (the link is found by
whichever of the two transactions comes second)."""

from __future__ import annotations

import random
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leap_matcher.service.handlers import Matcher

sys.path.insert(0, str(Path(__file__).parent))  # matcher_helpers (import mode is importlib)
from matcher_helpers import apply_concurrently, chunk, emptied, record

pytestmark = pytest.mark.integration

_family = st.tuples(st.integers(1, 3),  # children
                    st.sampled_from([("email",), ("mobile",), ("email", "mobile")]),  # what the carer's records carry
                    st.sampled_from([("email",), ("mobile",), ("email", "mobile")]))  # what the children name


def family_rows(f: int, children: int, carer_has: tuple, named: tuple) -> list[dict]:
    carer = {kind: f"{kind}-{f}" for kind in ("email", "mobile")}
    rows = [{"ids": {kind: carer[kind] for kind in carer_has}, "kind": "adult", "carer": {}}]
    rows += [{"ids": {"child_key": f"kid-{f}-{c}"}, "kind": "child", "carer": {k: carer[k] for k in named}}
             for c in range(children)]
    return rows


async def live_links(conn) -> set[tuple[int, int]]:
    rows = await conn.fetch("""
        SELECT coalesce(c.merged_into, c.id) AS child, coalesce(p.merged_into, p.id) AS carer
        FROM relationship r JOIN individual c ON c.id = r.child_id JOIN individual p ON p.id = r.carer_id""")
    return {(r["child"], r["carer"]) for r in rows}


async def links_directly(conn) -> set[tuple[int, int]]:
    """From the stored records and identifiers alone, not from the link query under test."""
    rows = await conn.fetch("""
        SELECT DISTINCT r.individual_id AS child, i.individual_id AS carer
        FROM carer_token ct JOIN record r USING (upload_id, row_number) JOIN identifier i ON i.token = ct.token
        WHERE i.individual_id IS NOT NULL AND i.individual_id <> r.individual_id""")
    return {(r["child"], r["carer"]) for r in rows}


@settings(max_examples=8, deadline=None)
@given(families=st.lists(_family, min_size=1, max_size=8), instances=st.integers(1, 3),
       chunk_size=st.integers(1, 6), seed=st.integers(0, 10**6))
async def test_children_and_carers_in_any_order_and_split_are_linked_exactly(database_url, families, instances,
                                                                            chunk_size, seed):
    async with emptied(database_url) as pool:
        rows = [row for f, family in enumerate(families) for row in family_rows(f, *family)]
        random.Random(seed).shuffle(rows)
        records = [record(n + 2, row["ids"], kind=row["kind"], carer=row["carer"]) for n, row in enumerate(rows)]
        upload = uuid.uuid4()
        chunks = [chunk(upload, i, records[s:s + chunk_size]) for i, s in enumerate(range(0, len(records), chunk_size))]
        await apply_concurrently([Matcher(pool) for _ in range(instances)], chunks)
        async with pool.acquire() as conn:
            expected = await links_directly(conn)
            assert await live_links(conn) == expected
            children = sum(family[0] for family in families)
            named = {f for f, family in enumerate(families) if set(family[1]) & set(family[2])}
            assert len({child for child, _ in expected}) == sum(families[f][0] for f in named) <= children
