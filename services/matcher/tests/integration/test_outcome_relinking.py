"""Outcome records are linked again by the matcher itself, in the transaction of the service chunk or withdrawal
that changed who owns their tokens: a child engaged after its extract arrived, two individuals it bridges, their
merge, a withdrawal that empties an individual. Only changed records are published (OutcomeLinksChangedV1), and
relinking changes no individual, token or record."""

from __future__ import annotations

import sys
import uuid
from datetime import date
from pathlib import Path

import pytest

from leap_contracts.envelope import seal
from leap_contracts.events import OutcomeValue, RecordsPseudonymisedV1
from leap_matcher.service.handlers import Matcher

sys.path.insert(0, str(Path(__file__).parent))  # matcher_helpers (import mode is importlib)
from matcher_helpers import chunk, events, partition, record, ref_of, withdrawal

pytestmark = pytest.mark.integration


def extract_chunk(upload_id, rows):
    records = [record(n, {**ids, "provider_record_id": f"hv{n}"}, kind="child", outcome=OutcomeValue(
        measure="imms_mmr1_24m", measured_on=date(2025, 6, 30), result="yes", positive=True)) for n, ids in rows]
    event = RecordsPseudonymisedV1(upload_id=upload_id, provider_id="chis", service_code="CHIS", chunk_index=0,
                                   spec_version="1", key_id="k", records=records, dataset="outcomes")
    return seal(event, producer="test", correlation_id=str(upload_id))


def child(row, ids, upload_prefix="p"):
    return record(row, {**ids, "provider_record_id": f"{upload_prefix}{row}"}, kind="child")


async def changes(pool, extract) -> list[dict]:
    return [e.payload for e in await events(pool, "OutcomeLinksChangedV1") if e.payload["upload_id"] == str(extract)]


async def test_links_follow_later_service_files_merges_and_withdrawals_without_a_command(pool) -> None:
    matcher, extract = Matcher(pool), uuid.uuid4()
    await matcher.on_records_pseudonymised(extract_chunk(extract, [
        (2, {"nhs_number": "n-dee"}), (3, {"nhs_number": "n-eve"}), (4, {"nhs_number": "n-fay", "child_key": "k-gus"}),
        (5, {})]))
    assert [r["individual_ref"] for r in (await events(pool, "OutcomesLinkedV1"))[0].payload["records"]] == [None] * 4

    dee_file = uuid.uuid4()  # Dee engages after the extract arrived
    await matcher.on_records_pseudonymised(chunk(dee_file, 0, [child(2, {"nhs_number": "n-dee"})]))
    dee = await ref_of(pool, dee_file, 2)
    (first,) = await changes(pool, extract)
    assert first["changed"] == [{"row_number": 2, "individual_ref": dee, "bridges": False}]
    assert (first["chunk_index"], first["linked"], first["unlinked"], first["bridging"]) == (0, 1, 3, 0)

    two = uuid.uuid4()  # Fay and Gus: two individuals; record 4 carries a token of each
    await matcher.on_records_pseudonymised(chunk(two, 0, [child(2, {"nhs_number": "n-fay"}),
                                                          child(3, {"child_key": "k-gus"})]))
    assert (await changes(pool, extract))[-1]["changed"] == [{"row_number": 4, "individual_ref": None,
                                                               "bridges": True}]
    assert (await changes(pool, extract))[-1]["bridging"] == 1

    before = (await partition(pool), await pool.fetchval("SELECT count(*) FROM identifier"))
    merging = uuid.uuid4()  # a service record carrying both merges them: record 4 now links to the survivor
    await matcher.on_records_pseudonymised(chunk(merging, 0, [child(2, {"nhs_number": "n-fay", "child_key": "k-gus"})]))
    survivor = await ref_of(pool, merging, 2)
    assert (await changes(pool, extract))[-1]["changed"] == [{"row_number": 4, "individual_ref": survivor,
                                                               "bridges": False}]
    assert before[1] == await pool.fetchval("SELECT count(*) FROM identifier")  # outcome tokens are never indexed

    count, again = len(await changes(pool, extract)), uuid.uuid4()
    await matcher.on_records_pseudonymised(chunk(again, 0, [child(2, {"nhs_number": "n-dee"}, "q")]))
    assert len(await changes(pool, extract)) == count  # Dee again: no link changed, nothing published

    await matcher.on_upload_withdrawn(withdrawal(dee_file))  # Dee is what the later file's record forms now
    now = await ref_of(pool, again, 2)
    if now != dee:
        assert (await changes(pool, extract))[-1]["changed"] == [{"row_number": 2, "individual_ref": now,
                                                                   "bridges": False}]
    state = (await partition(pool), await pool.fetchval("SELECT count(*) FROM individual"))
    await matcher.on_upload_withdrawn(withdrawal(two))
    await matcher.on_upload_withdrawn(withdrawal(merging))  # Fay and Gus gone: record 4 links to no one
    assert (await changes(pool, extract))[-1]["changed"] == [{"row_number": 4, "individual_ref": None,
                                                               "bridges": False}]
    assert state[1] == await pool.fetchval("SELECT count(*) FROM individual")  # relinking created no one

    await matcher.on_upload_withdrawn(withdrawal(extract, provider="chis", service="CHIS"))
    count = len(await changes(pool, extract))
    await matcher.on_records_pseudonymised(chunk(uuid.uuid4(), 0, [child(2, {"nhs_number": "n-eve"})]))
    assert len(await changes(pool, extract)) == count  # a withdrawn extract is never linked again
    assert await pool.fetchval("SELECT count(*) FROM outcome_link WHERE upload_id = $1", extract) == 0


async def test_the_migrations_backfill_gives_the_links_linking_gives(pool) -> None:
    matcher, extract = Matcher(pool), uuid.uuid4()
    await matcher.on_records_pseudonymised(chunk(uuid.uuid4(), 0, [child(2, {"nhs_number": "n-ann"}),
                                                                    child(3, {"child_key": "k-bob"})]))
    await matcher.on_records_pseudonymised(extract_chunk(extract, [
        (2, {"nhs_number": "n-ann"}), (3, {"nhs_number": "n-ann", "child_key": "k-bob"}), (4, {"nhs_number": "n-x"}),
        (5, {})]))
    query = "SELECT * FROM outcome_link ORDER BY upload_id, row_number"
    linked = await pool.fetch(query)
    migration = Path(__file__).parents[2] / "leap_matcher" / "migrations" / "026_outcome_links.sql"
    backfill = migration.read_text().split("-- The chunks stored before")[1].split("\n", 1)[1]
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM outcome_link")
        await conn.execute(backfill)
    assert await pool.fetch(query) == linked and len(linked) == 4


async def test_an_extract_and_the_service_file_engaging_its_children_at_once_miss_nothing(pool) -> None:
    import asyncio

    matcher = Matcher(pool)
    for round_ in range(6):
        names = [f"n-{round_}-{i}" for i in range(40)]
        extract, services = uuid.uuid4(), uuid.uuid4()
        await asyncio.gather(
            matcher.on_records_pseudonymised(extract_chunk(extract, [(i + 2, {"nhs_number": n})
                                                                     for i, n in enumerate(names)])),
            matcher.on_records_pseudonymised(chunk(services, 0, [child(i + 2, {"nhs_number": n})
                                                                 for i, n in enumerate(names)])))
        links = await pool.fetch("SELECT l.individual_id, r.individual_id AS engaged FROM outcome_link l "
                                 "JOIN record r ON r.upload_id = $2 AND r.row_number = l.row_number "
                                 "WHERE l.upload_id = $1", extract, services)
        assert len(links) == 40 and all(r["individual_id"] == r["engaged"] for r in links), round_
        published = {}  # what the reporter ends with: the chunk's links, then each change in order
        for e in await events(pool):
            if e.payload.get("upload_id") == str(extract) and e.event_type == "OutcomesLinkedV1":
                published |= {r["row_number"]: r["individual_ref"] for r in e.payload["records"]}
            elif e.payload.get("upload_id") == str(extract) and e.event_type == "OutcomeLinksChangedV1":
                published |= {r["row_number"]: r["individual_ref"] for r in e.payload["changed"]}
        assert published == {i + 2: await ref_of(pool, services, i + 2) for i in range(40)}, round_
