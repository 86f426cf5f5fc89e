"""Withdrawal and replacement: records leave, individuals split by the documented rule, late chunks stay out."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from matcher_helpers import changes, chunk, events, new_upload, partition, record, ref_of, withdrawal

from leap_matcher.service.handlers import Matcher

pytestmark = pytest.mark.integration


async def test_withdrawing_the_bridge_splits_and_the_oldest_part_keeps_the_reference(pool):
    matcher, first, bridge = Matcher(pool), new_upload(), new_upload()
    await matcher.on_records_pseudonymised(chunk(first, 0, [record(2, {"email": "e1"}, day=9),
                                                            record(3, {"mobile": "m1"}, day=3)]))
    await matcher.on_records_pseudonymised(chunk(bridge, 0, [record(2, {"email": "e1", "mobile": "m1"}, day=20)]))
    assert len(await partition(pool)) == 1
    survivor = await ref_of(pool, first, 2)

    await matcher.on_upload_withdrawn(withdrawal(bridge))
    assert await partition(pool) == [[(str(first), 2)], [(str(first), 3)]]
    # row 3 has the earliest engagement: its part keeps the reference, row 2's part is new
    assert await ref_of(pool, first, 3) == survivor
    assert await ref_of(pool, first, 2) != survivor
    [split] = await changes(pool, "split")
    assert split["individual_ref"] == survivor and split["reason"] == "upload_withdrawn"
    assert split["parts"] == [{"individual_ref": await ref_of(pool, first, 2),
                                       "records": [{"upload_id": str(first), "row_number": 2}]}]
    [withdrawn] = await events(pool, "RecordsWithdrawnV1")
    assert withdrawn.payload["records"] == 1 and withdrawn.payload["removed_refs"] == []


async def test_redelivered_withdrawal_and_late_chunks_change_nothing(pool):
    matcher, upload = Matcher(pool), new_upload()
    await matcher.on_records_pseudonymised(chunk(upload, 0, [record(2, {"email": "a"})]))
    notice = withdrawal(upload)
    await matcher.on_upload_withdrawn(notice)
    removed = (await events(pool, "RecordsWithdrawnV1"))[0].payload["removed_refs"]
    assert len(removed) == 1
    await matcher.on_upload_withdrawn(notice)
    await matcher.on_upload_withdrawn(withdrawal(upload))  # a second notice for the same upload
    await matcher.on_records_pseudonymised(chunk(upload, 1, [record(3, {"email": "b"})]))  # late chunk
    assert await partition(pool) == []
    assert len(await events(pool, "RecordsWithdrawnV1")) == 1
    assert await pool.fetchval("SELECT count(*) FROM identifier") == 0


async def test_replacement_upload_takes_over(pool):
    matcher, old, new = Matcher(pool), new_upload(), new_upload()
    await matcher.on_records_pseudonymised(chunk(old, 0, [record(2, {"email": "a"}, gender="male")]))
    person = await ref_of(pool, old, 2)
    await matcher.on_records_pseudonymised(chunk(new, 0, [record(2, {"email": "a"}, gender="female")]))
    await matcher.on_upload_withdrawn(withdrawal(old, replaced_by=new))
    assert await ref_of(pool, new, 2) == person
    attributes = await pool.fetchval("SELECT attributes::text FROM individual WHERE ref = $1", person)
    assert '"female"' in attributes and '"male"' not in attributes


async def test_components_after_withdrawals_equal_the_direct_computation(pool):
    matcher = Matcher(pool)
    uploads = [new_upload() for _ in range(3)]
    rows = {uploads[0]: [(2, "a", "b"), (3, "c", "d")], uploads[1]: [(2, "b", "c"), (3, "d", "e")],
            uploads[2]: [(2, "e", "f"), (3, "f", "a")]}
    for u, rs in rows.items():
        await matcher.on_records_pseudonymised(chunk(u, 0, [record(n, {"email": x, "mobile": y}) for n, x, y in rs]))
    assert len(await partition(pool)) == 1
    await matcher.on_upload_withdrawn(withdrawal(uploads[1]))
    # left: a-b, c-d, e-f, f-a  ->  {a,b,e,f} and {c,d}
    assert await partition(pool) == sorted([sorted([(str(uploads[0]), 2), (str(uploads[2]), 2), (str(uploads[2]), 3)]),
                                            [(str(uploads[0]), 3)]])
    live = await pool.fetchval("SELECT count(*) FROM individual WHERE merged_into IS NULL AND NOT removed")
    assert live == 2


async def test_the_example_consumer_rebuilds_the_same_individuals_from_the_events(pool):
    sys.path.insert(0, str(Path(__file__).parents[2] / "examples"))
    from consumer import Picture

    from leap_contracts.envelope import open_envelope

    matcher, a, b = Matcher(pool), new_upload(), new_upload()
    await matcher.on_records_pseudonymised(chunk(a, 0, [record(2, {"email": "x"}), record(3, {"mobile": "y"}),
                                                        record(4, {"email": "z"})]))
    await matcher.on_records_pseudonymised(chunk(b, 0, [record(2, {"email": "x", "mobile": "y"}),
                                                        record(3, {"email": "z", "nhs_number": "n"})]))
    await matcher.on_upload_withdrawn(withdrawal(b))
    picture = Picture()
    for envelope in await events(pool):
        picture.apply(open_envelope(envelope))
    assert picture.unique_individuals() == len(await partition(pool)) == 3
    for (upload, row), ref in picture.record_owner.items():
        assert picture.live(ref) == await ref_of(pool, uuid.UUID(upload), row)


async def relations(pool) -> set[tuple[str, str]]:
    """Live (child ref, carer ref) pairs as the matcher holds them."""
    rows = await pool.fetch("""SELECT DISTINCT c.ref AS child, p.ref AS carer FROM relationship r
                               JOIN individual ci ON ci.id = r.child_id
                               JOIN individual c ON c.id = coalesce(ci.merged_into, ci.id)
                               JOIN individual pi ON pi.id = r.carer_id
                               JOIN individual p ON p.id = coalesce(pi.merged_into, pi.id)""")
    return {(r["child"], r["carer"]) for r in rows}


async def test_a_relationship_ends_when_the_record_that_made_it_is_withdrawn(pool):
    matcher, carer_upload, child_upload, later = Matcher(pool), new_upload(), new_upload(), new_upload()
    await matcher.on_records_pseudonymised(chunk(carer_upload, 0, [record(2, {"email": "mum"})]))
    await matcher.on_records_pseudonymised(chunk(child_upload, 0, [
        record(2, {"child_key": "kid"}, kind="child", carer={"email": "mum"})]))
    await matcher.on_records_pseudonymised(chunk(later, 0, [record(2, {"child_key": "kid"}, kind="child")]))
    child, carer = await ref_of(pool, later, 2), await ref_of(pool, carer_upload, 2)
    assert await relations(pool) == {(child, carer)}

    await matcher.on_upload_withdrawn(withdrawal(child_upload))
    assert await relations(pool) == set()
    [ended] = await changes(pool, "ended")
    assert ended == {"child_ref": child, "carer_ref": carer, "relationship": "primary_carer",
                             "reason": "upload_withdrawn"}


async def test_a_child_split_off_keeps_its_carer_and_the_part_left_behind_loses_it(pool):
    matcher, carer_upload, early, bridge = Matcher(pool), new_upload(), new_upload(), new_upload()
    await matcher.on_records_pseudonymised(chunk(carer_upload, 0, [record(2, {"mobile": "dad"})]))
    # kid-a (the older records) and kid-b, wrongly joined by a bridging record, one individual
    await matcher.on_records_pseudonymised(chunk(early, 0, [
        record(2, {"child_key": "kid-a"}, kind="child", day=1),
        record(3, {"child_key": "kid-b"}, kind="child", day=5, carer={"mobile": "dad"})]))
    await matcher.on_records_pseudonymised(chunk(bridge, 0, [
        record(2, {"child_key": "kid-a", "nhs_number": "n"}, kind="child", day=9),
        record(3, {"child_key": "kid-b", "nhs_number": "n"}, kind="child", day=9)]))
    joined, carer = await ref_of(pool, early, 2), await ref_of(pool, carer_upload, 2)
    assert await ref_of(pool, early, 3) == joined and await relations(pool) == {(joined, carer)}

    await matcher.on_upload_withdrawn(withdrawal(bridge))
    kid_b = await ref_of(pool, early, 3)
    assert kid_b != joined and await ref_of(pool, early, 2) == joined
    assert await relations(pool) == {(kid_b, carer)}
    assert [e["child_ref"] for e in await changes(pool, "ended")] == [joined]
    linked = [(e["child_ref"], e["carer_ref"]) for e in await changes(pool, "linked")]
    assert len(linked) == 2 and linked[-1] == (kid_b, carer)  # the first: kid-b before the bridge merged it
    # and the same picture when the withdrawal is delivered again
    await matcher.on_upload_withdrawn(withdrawal(bridge))
    assert await relations(pool) == {(kid_b, carer)}
