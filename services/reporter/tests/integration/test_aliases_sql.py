"""Merges resolve transitively in the database, in whatever order they arrive."""

import itertools
import random
from datetime import date

import pytest

from leap_reporter.adapters import alias_table as aliases

HISTORY = [("C", ["A", "B"]), ("E", ["D"]), ("F", ["C", "E"]), ("G", ["F"]), ("Y", ["X"])]
FINAL = {"A": "G", "B": "G", "C": "G", "D": "G", "E": "G", "F": "G", "X": "Y"}
ORDERS = random.Random(20240401).sample(list(itertools.permutations(HISTORY)), 12)


async def replay(builder, events, merges) -> dict[str, str]:
    for survivor, merged in merges:
        await builder.on_beneficiary_event(events.merged(survivor, merged))
    async with builder.pool.acquire() as conn:
        return await aliases.all_aliases(conn)


async def test_a_into_b_then_b_into_c(builder, events):
    assert await replay(builder, events, [("B", ["A"]), ("C", ["B"])]) == {"A": "C", "B": "C"}


async def test_b_into_c_then_a_into_b(builder, events):
    assert await replay(builder, events, [("C", ["B"]), ("B", ["A"])]) == {"A": "C", "B": "C"}


@pytest.mark.parametrize("order", [HISTORY, HISTORY[::-1], *ORDERS], ids=lambda o: "-".join(s for s, _ in o))
async def test_any_order_gives_the_same_flat_map(builder, events, order):
    assert await replay(builder, events, order) == FINAL


async def test_counting_follows_the_survivor(builder, db, events):
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "A", date(2024, 1, 1)),
                                                            events.record(3, "C", date(2024, 1, 2))]))
    count = "SELECT count(DISTINCT coalesce(a.survivor_ref, e.individual_ref)) FROM engagement e " \
            "LEFT JOIN individual_alias a ON a.ref = e.individual_ref"
    assert await db.fetchval(count) == 2
    await replay(builder, events, [("C", ["B"]), ("B", ["A"])])
    assert await db.fetchval(count) == 1
