"""While a newer read model is being indexed, answers come from the last index and say so (as_of, up_to_date)."""

import asyncio
from datetime import UTC, date, datetime

import httpx
import pytest

from leap_reporter.adapters.reach_index import ReachIndex
from leap_reporter.app import create_app
from leap_reporter.settings import Settings


@pytest.fixture
async def setup(db, database_url, builder, events):
    async def make(**settings):
        app = create_app(Settings(database_url=database_url, suppression=False, **settings))
        app.state.pool = db
        app.state.reach_index = ReachIndex(min_engagements=10**9, min_interval=0,  # small: SQL until built
                                           max_staleness=app.state.settings.reach_index_max_staleness)
        await builder.on_records_matched(events.matched("CAN", [events.record(2, "a", date(2024, 4, 1)),
                                                                events.record(3, "b", date(2024, 4, 2))]))
        await app.state.reach_index.refresh(db)
        return app, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporter")
    return make


async def _add_person(builder, events):
    await builder.on_records_matched(events.matched("MIR", [events.record(2, "c", date(2024, 4, 3))]))


def _held(index: ReachIndex) -> asyncio.Event:
    """Rebuilds of ``index`` wait for the returned gate: the first stale answer starts one at once (an index
    exists), and the answers after it must not race it."""
    gate, refresh = asyncio.Event(), index.refresh

    async def held_refresh(pool):
        await gate.wait()
        await refresh(pool)

    index.refresh = held_refresh
    return gate


async def test_after_a_write_the_last_snapshot_answers_marked_not_up_to_date(setup, builder, events):
    app, client = await setup()
    gate = _held(app.state.reach_index)
    async with client:
        current = (await client.get("/api/v1/reach")).json()
        assert current["up_to_date"] is True and current["unique_beneficiaries"] == 2
        await _add_person(builder, events)
        stale = (await client.get("/api/v1/reach")).json()
        assert stale["up_to_date"] is False and stale["unique_beneficiaries"] == 2
        assert stale["as_of"] == current["as_of"]  # the last moment the index was known to hold everything
        table = (await client.get("/api/v1/figures/reach-by-service")).json()
        assert (table["up_to_date"], table["as_of"]) == (False, current["as_of"])
        assert table["rows"][-1][2] == 2
        quality = (await client.get("/api/v1/figures/quality-uploads")).json()
        assert quality["up_to_date"] is True  # never from the index
        csv = await client.get("/api/v1/figures/reach-by-service", params={"format": "csv"})
        assert csv.headers["x-data-up-to-date"] == "false" and csv.headers["x-data-as-of"] == current["as_of"]
        page = await client.get("/")
        as_of = datetime.fromisoformat(current["as_of"])
        assert f"Updating: newer data is being indexed; figures as of {as_of:%H:%M:%S} UTC." in page.text
    gate.set()
    await app.state.reach_index._task


async def test_consistency_current_gives_the_new_numbers(setup, builder, events):
    app, client = await setup()
    async with client:
        await _add_person(builder, events)
        asked = datetime.now(UTC)
        exact = (await client.get("/api/v1/reach", params={"consistency": "current"})).json()
        assert exact["up_to_date"] is True and exact["unique_beneficiaries"] == 3
        assert datetime.fromisoformat(exact["as_of"]) >= asked
        table = (await client.get("/api/v1/figures/reach-by-service", params={"consistency": "current"})).json()
        assert table["up_to_date"] is True and table["rows"][-1][2] == 3
        wrong = await client.get("/api/v1/reach", params={"consistency": "latest"})
        assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["query", "consistency"]
        assert "Figures as of" not in (await client.get("/", params={"consistency": "current"})).text


async def test_an_index_older_than_the_maximum_staleness_is_not_served(setup, builder, events):
    app, client = await setup(reach_index_max_staleness=0)
    async with client:
        await _add_person(builder, events)
        answer = (await client.get("/api/v1/reach")).json()
        assert answer["up_to_date"] is True and answer["unique_beneficiaries"] == 3


async def test_the_rebuilt_index_is_swapped_in_and_up_to_date(setup, builder, events):
    app, client = await setup()
    index = app.state.reach_index
    async with client:
        await _add_person(builder, events)
        index.min_engagements = 0  # let the next stale request start the rebuild
        stale = (await client.get("/api/v1/reach")).json()
        assert stale["up_to_date"] is False and stale["unique_beneficiaries"] == 2
        await index._task
        fresh = (await client.get("/api/v1/reach")).json()
        assert fresh["up_to_date"] is True and fresh["unique_beneficiaries"] == 3
        assert fresh["as_of"] > stale["as_of"]
        assert "newer data is being added" not in (await client.get("/")).text
