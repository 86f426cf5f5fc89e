"""Property: any order, chunking and number of concurrent instances, with a withdrawal interleaved and
a junk identifier appearing, gives the connected components of the remaining records (junk excluded)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from matcher_helpers import apply_concurrently, chunk, emptied, new_upload, partition, record, withdrawal

from leap_matcher.domain.junk import JunkRule
from leap_matcher.service.handlers import Matcher

pytestmark = pytest.mark.integration
KINDS = ("email", "mobile", "nhs_number")
MONTHS = ("2020-01", "2020-02", "2020-03", "2020-04")


def expected_partition(rows, junk):
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for key, names in rows:
        find(("r", key))
        for name in names:
            if name not in junk:
                parent[find(("r", key))] = find(("t", name))
    groups: dict = {}
    for key, _ in rows:
        groups.setdefault(find(("r", key)), []).append(key)
    return sorted(sorted(g) for g in groups.values())


@settings(max_examples=8, deadline=None)
@given(
    names=st.lists(st.tuples(st.lists(st.sampled_from("abcdefghijklmnopJJ"), min_size=1, max_size=3),
                             st.integers(0, 2), st.sampled_from(MONTHS)), min_size=1, max_size=50),
    instances=st.integers(1, 3), chunk_size=st.integers(1, 10), seed=st.integers(0, 10**6),
)
async def test_withdrawals_and_junk_in_any_order_give_the_components(database_url, names, instances, chunk_size, seed):
    async with emptied(database_url) as pool:
        uploads = [new_upload() for _ in range(3)]  # uploads[2] will be withdrawn
        rows = []  # (upload index, row, {kind: name}, birth month or None)
        for n, (ids, u, month) in enumerate(names):
            ids = [x for x in dict.fromkeys(ids) if not (u == 2 and x == "J")]  # junk never in the withdrawn upload
            ids = ids or ["z%d" % n]
            rows.append((u, n + 2, {KINDS[i]: x for i, x in enumerate(ids)}, None if u == 2 else month))
        rng = random.Random(seed)
        rng.shuffle(rows)
        messages = []
        for s in range(0, len(rows), chunk_size):
            for u in range(3):
                part = [record(n, ids, birth_month=m) for uu, n, ids, m in rows[s:s + chunk_size] if uu == u]
                if part:
                    messages.append(chunk(uploads[u], s, part))
        messages.insert(rng.randrange(len(messages) + 1), withdrawal(uploads[2]))
        await apply_concurrently([Matcher(pool, junk=JunkRule(max_birth_months=2))] * instances, messages)
        remaining = [r for r in rows if r[0] != 2]
        months: dict[str, set] = {}
        for _, _, ids, m in remaining:
            for name in ids.values():
                months.setdefault(name, set()).add(m)
        junk = {name for name, ms in months.items() if len(ms) > 2}
        expected = expected_partition([((str(uploads[u]), n), list(ids.values())) for u, n, ids, _ in remaining], junk)
        assert await partition(pool) == expected
        live = await pool.fetchval("SELECT count(*) FROM record r JOIN individual i ON i.id = r.individual_id "
                                   "WHERE i.merged_into IS NOT NULL OR i.removed")
        assert live == 0
