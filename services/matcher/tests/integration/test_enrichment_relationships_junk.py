"""Attributes with provenance, child-carer relationships, junk identifiers and explanations."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from matcher_helpers import changes, chunk, events, new_upload, partition, record, ref_of, token

from leap_matcher.adapters.explanation import explain
from leap_matcher.domain.junk import JunkRule
from leap_matcher.service.handlers import Matcher

pytestmark = pytest.mark.integration


async def attributes(pool, ref):
    return json.loads(await pool.fetchval("SELECT attributes FROM individual WHERE ref = $1", ref))


async def test_most_recent_engagement_wins_and_missing_values_never_overwrite(pool):
    matcher, a, b = Matcher(pool), new_upload(), new_upload()
    await matcher.on_records_pseudonymised(chunk(a, 0, [record(2, {"email": "e"}, day=10, gender="male", ethnicity="W1")]))
    await matcher.on_records_pseudonymised(chunk(b, 0, [record(5, {"email": "e"}, day=3, gender="female"),
                                                        record(6, {"email": "e"}, day=12, ward_code="E05000001")]))
    got = await attributes(pool, await ref_of(pool, a, 2))
    assert got["gender"] == {"value": "male", "upload_id": str(a), "row_number": 2, "engagement_date": "2024-05-10"}
    assert got["ethnicity"]["value"] == "W1"
    assert got["ward_code"] == {"value": "E05000001", "upload_id": str(b), "row_number": 6, "engagement_date": "2024-05-12"}


async def test_merged_individuals_combine_attributes_by_the_same_rule(pool):
    matcher, u = Matcher(pool), new_upload()
    await matcher.on_records_pseudonymised(chunk(u, 0, [record(2, {"email": "e"}, day=4, first_language="Welsh"),
                                                        record(3, {"mobile": "m"}, day=8, first_language="Polish")]))
    await matcher.on_records_pseudonymised(chunk(u, 1, [record(4, {"email": "e", "mobile": "m"}, day=6)]))
    got = await attributes(pool, await ref_of(pool, u, 4))
    assert got["first_language"]["value"] == "Polish" and got["first_language"]["row_number"] == 3


async def test_children_link_to_a_carer_who_arrives_later_and_siblings_stay_apart(pool):
    matcher, u = Matcher(pool), new_upload()
    await matcher.on_records_pseudonymised(chunk(u, 0, [
        record(2, {"child_key": "kid1"}, kind="child", carer={"email": "mum"}),
        record(3, {"child_key": "kid2"}, kind="child", carer={"email": "mum", "mobile": "mob"})]))
    assert len(await partition(pool)) == 2 and await changes(pool, "linked") == []
    await matcher.on_records_pseudonymised(chunk(u, 1, [record(4, {"email": "mum", "mobile": "mob"})]))
    links = await changes(pool, "linked")
    carer = await ref_of(pool, u, 4)
    assert sorted((e["child_ref"], e["carer_ref"], tuple(e["via"])) for e in links) == sorted([
        (await ref_of(pool, u, 2), carer, ("email",)), (await ref_of(pool, u, 3), carer, ("email", "mobile"))])
    assert len(await partition(pool)) == 3  # siblings related through the carer, never merged
    await matcher.on_records_pseudonymised(chunk(u, 2, [record(5, {"child_key": "kid3"}, kind="child",
                                                              carer={"mobile": "mob"})]))
    assert len(await changes(pool, "linked")) == 3


async def test_an_identifier_joining_too_many_birth_months_is_quarantined_and_splits(pool):
    matcher, u = Matcher(pool, junk=JunkRule(max_birth_months=2)), new_upload()
    await matcher.on_records_pseudonymised(chunk(u, 0, [
        record(2, {"nhs_number": "junk", "provider_record_id": "r2"}, birth_month="2020-01"),
        record(3, {"nhs_number": "junk", "provider_record_id": "r3"}, birth_month="2021-02")]))
    assert len(await partition(pool)) == 1
    await matcher.on_records_pseudonymised(chunk(u, 1, [
        record(4, {"nhs_number": "junk", "provider_record_id": "r4"}, birth_month="2022-03"),
        record(5, {"provider_record_id": "r2"}, birth_month="2020-01")]))
    assert await partition(pool) == [[(str(u), 2), (str(u), 5)], [(str(u), 3)], [(str(u), 4)]]
    [finding] = await changes(pool, "quarantined")
    assert finding["identifier_type"] == "nhs_number" and finding["distinct_birth_months"] == 3
    assert finding["records"] == 3
    [split] = await changes(pool, "split")
    assert split["reason"] == "identifier_quarantined"
    # the chunk's records are reported with the individuals they belong to after the split
    matched = [e for e in await events(pool, "RecordsMatchedV1") if e.payload["chunk_index"] == 1]
    assert {r["row_number"]: r["individual_ref"] for e in matched for r in e.payload["records"]} == {
        4: await ref_of(pool, u, 4), 5: await ref_of(pool, u, 2)}
    for row in await pool.fetch("SELECT value FROM outbox"):
        assert token("junk").encode() not in row["value"] and bytes.fromhex(token("junk")) not in row["value"]
    # later records with the junk token link nothing through it
    await matcher.on_records_pseudonymised(chunk(u, 2, [record(6, {"nhs_number": "junk"}, birth_month="2020-01")]))
    assert len(await partition(pool)) == 4


async def test_explanation_names_identifier_types_never_tokens(pool):
    matcher, u = Matcher(pool), new_upload()
    await matcher.on_records_pseudonymised(chunk(u, 0, [record(2, {"email": "e", "provider_record_id": "x"}),
                                                        record(3, {"email": "e", "mobile": "m"}),
                                                        record(4, {"mobile": "m"})]))
    async with pool.acquire() as conn:
        found = await explain(conn, await ref_of(pool, u, 2))
    assert [r["row_number"] for r in found["records"]] == [2, 3, 4]
    assert [(j["identifier"], [r["row_number"] for r in j["records"]]) for j in found["joined_by"]] == [
        ("email #1", [2, 3]), ("mobile #1", [3, 4])]
    assert token("e") not in json.dumps(found) and token("e")[:16] not in json.dumps(found)
    async with pool.acquire() as conn:
        assert await explain(conn, "IND-9999999999") is None


async def test_matched_records_carry_findings_and_identifier_types_never_tokens(pool):
    upload = new_upload()
    source = record(2, {"email": "e-findings", "nhs_number": "n-findings"})
    await Matcher(pool).on_records_pseudonymised(
        chunk(upload, 0, [source.model_copy(update={"findings": ["mobile_placeholder"]})]))
    [matched] = await events(pool, "RecordsMatchedV1")
    [row] = matched.payload["records"]
    assert row["findings"] == ["mobile_placeholder"]
    assert row["identifier_types"] == ["email", "nhs_number"]
    assert token("e-findings") not in str(matched.payload)
