"""The bitmap reach index answers exactly what the SQL path answers (the two ReachSources, figure by figure),
and only while it is current."""

import random
from datetime import date, timedelta

import pytest

from leap_contracts.catalogue import SERVICES
from leap_contracts.events import MatchedRecord

from leap_reporter.adapters.reach_sql import count_reach
from leap_reporter.adapters.reach_index import ReachIndex
from leap_reporter.domain.filters import parse_filters
from leap_reporter.service.reach_source import IndexSource, SqlSource


def counted(view, filters):
    """The view's index counts (as the index source answers a request pinned to that view)."""
    return IndexSource(view.index).count(filters)

WARDS = [("E1", "Stockwell"), ("E2", "Vassall"), None]
CODES = list(SERVICES)[:6]


async def random_read_model(builder, events, rng):
    for service in CODES:
        records = []
        for row in range(2, 150):
            person = rng.randrange(120)
            ward = WARDS[person % 3]
            records.append(MatchedRecord(
                row_number=row, individual_ref=f"p{person}", beneficiary_type="adult" if person % 4 == 0 else "child",
                birth_month=f"202{person % 4}-0{1 + person % 9}" if person % 5 else None,
                gender=["female", "male", None][person % 3], ethnicity=["W1", "B1", None][person % 3],
                ward_code=ward[0] if ward else None, ward_name=ward[1] if ward else None,
                engagement_date=date(2024, 1, 1) + timedelta(days=rng.randrange(400)), attended=rng.random() > 0.1))
        await builder.on_records_matched(events.matched(service, records))
    await builder.on_beneficiary_event(events.merged("p1", ["p2", "p3"]))


QUESTIONS = [
    {}, {"service": [CODES[0]]}, {"service": CODES[:3]}, {"ward": "stockwell"}, {"ward": "E2"},
    {"date_from": "2024-03-15", "date_to": "2024-05-02"}, {"date_from": "2024-02-01", "date_to": "2024-12-31"},
    {"date_from": "2025-01-31"}, {"date_to": "2024-01-01"}, {"gender": "female"}, {"beneficiary_type": "adult"},
    {"age_band": "1 year", "ward": "Vassall"}, {"ethnicity": "not recorded", "date_from": "2024-06-06"},
    {"strand": SERVICES[CODES[0]].strand, "gender": "unknown", "date_to": "2024-09-09"},
]


async def test_index_counts_equal_sql_counts(builder, events, db):
    await random_read_model(builder, events, random.Random(5))
    index = ReachIndex(min_engagements=0, min_interval=0)
    await index.refresh(db)
    for raw in QUESTIONS:
        filters = parse_filters(**raw)
        assert await counted(await index.view(db), filters) == await count_reach(db, filters), raw


async def test_a_stale_index_answers_until_the_rebuild_swaps_in(builder, events, db):
    await random_read_model(builder, events, random.Random(6))
    index = ReachIndex(min_engagements=0, min_interval=0)
    await index.refresh(db)
    before = await index.view(db)
    assert before.up_to_date and before.index is index.current
    old = await count_reach(db, parse_filters())
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "new-person", date(2024, 1, 1))]))
    stale = await index.view(db)  # starts the rebuild; answers from the last index meanwhile
    assert not stale.up_to_date and stale.as_of == before.as_of
    assert await counted(stale, parse_filters()) == old != await count_reach(db, parse_filters())
    await index._task
    fresh = await index.view(db)
    assert fresh.up_to_date and await counted(fresh, parse_filters()) == await count_reach(db, parse_filters())
    assert await counted(stale, parse_filters()) == old  # a view pinned before the swap keeps its snapshot


async def test_current_only_and_max_staleness_fall_back_to_sql(builder, events, db):
    await random_read_model(builder, events, random.Random(6))
    index = ReachIndex(min_engagements=10**9, min_interval=0, max_staleness=300)  # never rebuilds by itself
    await index.refresh(db)
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "new-person", date(2024, 1, 1))]))
    assert (await index.view(db)).index is index.current
    for view in (await index.view(db, current_only=True), await index.view(db, max_staleness=0)):
        assert view.index is None and view.up_to_date  # the caller asks SQL, as of now


@pytest.mark.parametrize("by", ["service", "strand", "ward", "beneficiary_type", "gender", "ethnicity", "age_band",
                                "month", "quarter", "year"])
async def test_index_breakdowns_equal_sql_breakdowns(builder, events, db, by):
    await random_read_model(builder, events, random.Random(7))
    index = ReachIndex(min_engagements=0, min_interval=0)
    await index.refresh(db)
    for raw in QUESTIONS:
        filters = parse_filters(**raw)
        found = await IndexSource((await index.view(db)).index).breakdown(filters, by)
        assert found == await SqlSource(db).breakdown(filters, by), raw


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
async def test_index_new_per_period_equals_sql(builder, events, db, period):
    await random_read_model(builder, events, random.Random(8))
    index = ReachIndex(min_engagements=0, min_interval=0)
    await index.refresh(db)
    for raw in QUESTIONS:
        filters = parse_filters(**raw)
        found = await IndexSource((await index.view(db)).index).new_by_period(filters, period)
        assert found == await SqlSource(db).new_by_period(filters, period), raw


async def _relationships(builder, rng):
    from leap_contracts.envelope import seal
    from leap_contracts.events import RelationshipLinkedV1
    for child in range(1, 120, 2):  # p0 .. p119 (some merged, some never attended), and carers never seen
        carer = f"p{rng.randrange(120)}" if child % 7 else f"carer-{child}"
        await builder.on_beneficiary_event(seal(RelationshipLinkedV1(child_ref=f"p{child}", carer_ref=carer,
                                                                     via=["email"]), producer="matcher",
                                                correlation_id="c"))


@pytest.mark.parametrize("name", ["distribution:services", "distribution:contacts", "overlap", "once_only",
                                  "families"])
async def test_index_patterns_equal_sql_patterns(builder, events, db, name):
    await random_read_model(builder, events, random.Random(9))
    await _relationships(builder, random.Random(10))
    index = ReachIndex(min_engagements=0, min_interval=0)
    await index.refresh(db)
    figure, _, column = name.partition(":")
    for raw in [*QUESTIONS, {"service": ["CAN"], "strand": "Communication & Language Development"}]:
        filters = parse_filters(**raw)
        asked = [filters, column] if column else [filters]
        expected = await getattr(SqlSource(db), figure)(*asked)
        found = await getattr(IndexSource((await index.view(db)).index), figure)(*asked)
        assert found == expected, raw


async def test_index_survives_codes_the_catalogue_and_ward_table_do_not_know(builder, events, db):
    await random_read_model(builder, events, random.Random(11))
    await db.execute("UPDATE engagement SET service_code = 'ZZ' WHERE row_number % 5 = 0")
    await db.execute("UPDATE engagement SET ward_code = 'E9' WHERE row_number % 7 = 0")
    index = ReachIndex(min_engagements=0, min_interval=0)
    await index.refresh(db)
    for by in ("service", "ward"):
        found = await IndexSource((await index.view(db)).index).breakdown(parse_filters(), by)
        assert found == await SqlSource(db).breakdown(parse_filters(), by)


async def test_the_watch_indexes_new_data_without_waiting_for_a_request(builder, events, db):
    import asyncio
    import time

    from leap_reporter.adapters import read_model_state

    await random_read_model(builder, events, random.Random(5))
    index = ReachIndex(min_engagements=0, min_interval=0)
    watch = asyncio.create_task(index.watch(db, every=0.05))
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (index.current is None or
                                               index.current.version != await read_model_state.version(db)):
            await asyncio.sleep(0.05)  # poll until the watch has built the current index, bounded by the deadline
        assert index.current is not None and index.current.version == await read_model_state.version(db)
    finally:
        watch.cancel()


async def test_a_rebuild_that_ends_stale_while_nothing_is_pending_starts_the_next_at_once(builder, events, db,
                                                                                            monkeypatch):
    """A write lands while the index is being built: the finished index is stale at once, and the next rebuild
    starts without waiting for a request or the watch (so the complete figures, and 'reportable', come soon)."""
    import asyncio
    import time

    from leap_reporter.adapters import read_model_state, reach_index

    await random_read_model(builder, events, random.Random(6))
    loads, load = [], reach_index.load

    async def load_then_a_write_lands(pool):
        snapshot = await load(pool)
        loads.append(snapshot.index.version)
        if len(loads) == 1:
            async with pool.acquire() as conn, conn.transaction():
                await read_model_state.bump(conn)
        return snapshot

    monkeypatch.setattr(reach_index, "load", load_then_a_write_lands)
    index = ReachIndex(min_engagements=0, min_interval=3600)  # no second rebuild by the interval
    index._maybe_rebuild(db, urgent=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(loads) < 2:
        await asyncio.sleep(0.05)  # poll until the second build, bounded by the deadline
    await index._task
    assert loads[1] == loads[0] + 1 and index.current.version == await read_model_state.version(db)
