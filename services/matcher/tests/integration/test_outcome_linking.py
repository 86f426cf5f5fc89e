"""Outcome records link to existing individuals through the same tokens, and change nothing about them."""

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


def outcome_chunk(upload_id, index, rows):
    """rows: (row_number, {identifier type: token name}, positive)."""
    records = [record(n, {**ids, "provider_record_id": f"hv{n}"}, kind="child", outcome=OutcomeValue(
        measure="eyfsp_gld", measured_on=date(2025, 6, 30), result="yes" if ok else "no", positive=ok))
        for n, ids, ok in rows]
    event = RecordsPseudonymisedV1(upload_id=upload_id, provider_id="la", service_code="EDU", chunk_index=index,
                                   spec_version="1", key_id="k", records=records, dataset="outcomes")
    return seal(event, producer="test", correlation_id=str(upload_id))


async def state(pool) -> tuple:
    return (await partition(pool), await pool.fetchval("SELECT count(*) FROM individual"),
            await pool.fetchval("SELECT count(*) FROM identifier"),
            await pool.fetch("SELECT id, merged_into FROM individual ORDER BY id"))


async def test_outcome_records_link_without_creating_merging_or_indexing_anyone(pool) -> None:
    matcher, services = Matcher(pool), uuid.uuid4()
    await matcher.on_records_pseudonymised(chunk(services, 0, [
        record(2, {"nhs_number": "n-ann", "provider_record_id": "p1"}, kind="child"),
        record(3, {"child_key": "k-bob", "provider_record_id": "p2"}, kind="child"),
    ]))
    before = await state(pool)
    ann, bob = await ref_of(pool, services, 2), await ref_of(pool, services, 3)

    extract = uuid.uuid4()
    await matcher.on_records_pseudonymised(outcome_chunk(extract, 0, [
        (2, {"nhs_number": "n-ann"}, True),                      # Ann by NHS number
        (3, {"child_key": "k-bob", "nhs_number": "n-new"}, False),  # Bob by child key; an NHS number nobody has
        (4, {"nhs_number": "n-ann", "child_key": "k-bob"}, True),  # would bridge Ann and Bob
        (5, {"nhs_number": "n-carl"}, True),                     # a child no service has seen
        (6, {}, True),                                           # nothing that links
    ]))
    assert await state(pool) == before  # no individual, token, record or merge
    linked = await events(pool, "OutcomesLinkedV1")
    assert len(linked) == 1 and linked[0].payload["source_code"] == "EDU"
    rows = {r["row_number"]: r for r in linked[0].payload["records"]}
    assert {n: r["individual_ref"] for n, r in rows.items()} == {2: ann, 3: bob, 4: None, 5: None, 6: None}
    assert rows[4]["findings"] == ["outcome_bridges_individuals"] and rows[6]["findings"] == ["outcome_unlinkable"]
    assert rows[3]["outcome"] == {"measure": "eyfsp_gld", "measured_on": "2025-06-30", "result": "no",
                                  "positive": False}
    assert (linked[0].payload["linked"], linked[0].payload["unlinked"], linked[0].payload["bridging"]) == (2, 2, 1)
    assert len(await events(pool, "RecordsMatchedV1")) == 1  # the service file's chunk only

    # a service file seen later still forms individuals from its own tokens only
    later = uuid.uuid4()
    await matcher.on_records_pseudonymised(chunk(later, 0, [record(2, {"nhs_number": "n-carl",
                                                                        "provider_record_id": "p9"}, kind="child")]))
    assert await pool.fetchval("SELECT count(*) FROM individual") == 3


async def test_a_withdrawn_extract_links_no_late_chunk(pool) -> None:
    matcher, extract = Matcher(pool), uuid.uuid4()
    await matcher.on_upload_withdrawn(withdrawal(extract, provider="la", service="EDU"))
    await matcher.on_records_pseudonymised(outcome_chunk(extract, 0, [(2, {"nhs_number": "n-x"}, True)]))
    assert await events(pool, "OutcomesLinkedV1") == []


async def test_relinking_finds_the_individuals_of_service_files_matched_after_the_extract(pool) -> None:
    from leap_matcher.cli.relink_outcomes import relink_all

    matcher, extract = Matcher(pool), uuid.uuid4()
    await matcher.on_records_pseudonymised(outcome_chunk(extract, 0, [(2, {"nhs_number": "n-dee"}, True),
                                                                      (3, {"nhs_number": "n-eve"}, False)]))
    first = (await events(pool, "OutcomesLinkedV1"))[-1].payload["records"]
    assert [r["individual_ref"] for r in first] == [None, None]
    services = uuid.uuid4()  # Dee is engaged only later
    await matcher.on_records_pseudonymised(chunk(services, 0, [record(2, {"nhs_number": "n-dee",
                                                                          "provider_record_id": "p1"}, kind="child")]))
    before = await state(pool)
    assert await relink_all(pool, "") >= 1
    again = [e for e in await events(pool, "OutcomesLinkedV1")
             if e.payload["upload_id"] == str(extract)][-1].payload
    assert [r["individual_ref"] for r in again["records"]] == [await ref_of(pool, services, 2), None]
    assert again["chunk_index"] == 0 and again["records"][0]["outcome"]["measure"] == "eyfsp_gld"
    assert await state(pool) == before  # relinking changes no individual either

    await matcher.on_upload_withdrawn(withdrawal(extract, provider="la", service="EDU"))
    def of_extract(found):
        return [e for e in found if e.payload["upload_id"] == str(extract)]
    count = len(of_extract(await events(pool, "OutcomesLinkedV1")))
    await relink_all(pool, "")
    assert len(of_extract(await events(pool, "OutcomesLinkedV1"))) == count  # a withdrawn extract is not relinked
    assert await pool.fetchval("SELECT count(*) FROM outcome_chunk WHERE upload_id = $1", extract) == 0
