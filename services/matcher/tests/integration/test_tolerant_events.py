"""What tolerant linkage publishes, on the real database: in each linking transaction the records whose tolerant
individual changed go to the outbox with a TOL- reference and a version from one sequence (a record's newest
version names its current individual); the linkage-quality figures are measured once per change, counts only."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

from leap_contracts.envelope import decode, open_envelope
from leap_contracts.events import LinkageQualityMeasuredV1, TolerantRecordsRelinkedV1
from leap_matcher.domain.tolerant import TolerantSettings
from leap_matcher.service.tolerant_linking import Publish, link_chunk, withdraw_upload
from leap_matcher.service.tolerant_quality import measure_once

sys.path.insert(0, str(Path(__file__).parent))  # tolerant_chunks (import mode is importlib)
from tolerant_chunks import CHUNKS, UPLOADS

pytestmark = pytest.mark.integration
SETTINGS = TolerantSettings()


@pytest.fixture(autouse=True)
async def empty(pool):
    await pool.execute("TRUNCATE tolerant_record, tolerant_token, fuzzy_link, review_item, review_audit, tolerant_ref; "
                       "UPDATE tolerant_quality_changed SET changed = 0; UPDATE tolerant_quality_measured SET measured = 0")


async def _published(pool, kind: type) -> list:
    rows = await pool.fetch("SELECT topic, key, value FROM outbox ORDER BY id")
    return [(r["topic"], r["key"], open_envelope(decode(r["value"]))) for r in rows
            if decode(r["value"]).event_type == kind.__name__]


def _newest(events) -> dict[tuple[uuid.UUID, int], str]:
    latest: dict[tuple[uuid.UUID, int], tuple[int, str]] = {}
    for _, _, event in events:
        for a in event.records:
            key = (a.upload_id, a.row_number)
            if key not in latest or latest[key][0] < a.version:
                latest[key] = (a.version, a.tolerant_ref)
    return {key: ref for key, (_, ref) in latest.items()}


async def test_relinked_records_are_published_with_versions_in_the_linking_transaction(pool):
    publish = Publish("t.", "c1")
    for chunk in CHUNKS:
        await link_chunk(pool, chunk, SETTINGS, publish)
    await link_chunk(pool, CHUNKS[0], SETTINGS, publish)  # redelivery: nothing changes, nothing published
    events = await _published(pool, TolerantRecordsRelinkedV1)
    assert {(topic, key) for topic, key, _ in events} == {("t.matching.tolerant-records-relinked.v1", str(u))
                                                         for u in UPLOADS}
    versions = [a.version for _, _, e in events for a in e.records]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    refs = _newest(events)
    olivia, oilvia = refs[(UPLOADS[0], 2)], refs[(UPLOADS[1], 2)]
    assert olivia == oilvia and olivia.startswith("TOL-") and refs[(UPLOADS[2], 5)] != olivia
    clusters = {r[0] for r in await pool.fetch("SELECT DISTINCT cluster FROM tolerant_record")}
    assert len(clusters) == len(set(refs.values()))

    await withdraw_upload(pool, UPLOADS[0], SETTINGS, publish)  # the Oilvia record is on its own again
    after = _newest(await _published(pool, TolerantRecordsRelinkedV1))
    assert after[(UPLOADS[1], 2)] != olivia


async def test_quality_figures_are_measured_once_per_change_and_hold_counts_only(pool):
    assert not await measure_once(pool, "t.")  # nothing linked: nothing measured
    for chunk in CHUNKS:
        await link_chunk(pool, chunk, SETTINGS)
    assert await measure_once(pool, "t.")
    assert not await measure_once(pool, "t.")  # nothing changed since
    (topic, key, event), = await _published(pool, LinkageQualityMeasuredV1)
    assert topic == "t.matching.linkage-quality-measured.v1" and key == "matcher" and event.version == 3
    assert (event.tolerant_individuals, event.pending_reviews) == (2, 1)
    # records per upload (fuzzy-linked and split records need the exact path's individuals: the e2e test)
    assert {u.upload_id: (u.provider_id, u.records) for u in event.uploads} == {u: ("p", 1) for u in UPLOADS}
    assert "TOL-" not in event.model_dump_json() and ":" not in "".join(str(u.provider_id) for u in event.uploads)


async def test_republishing_sends_every_records_current_individual_again_with_newer_versions(pool):
    from leap_matcher.cli.republish_tolerant import republish_all
    for chunk in CHUNKS:
        await link_chunk(pool, chunk, SETTINGS)
    before = await _published(pool, TolerantRecordsRelinkedV1)
    newest = max(a.version for _, _, e in before for a in e.records)
    assert await republish_all(pool, "t.") == 3
    again = (await _published(pool, TolerantRecordsRelinkedV1))[len(before):]
    assert _newest(again) == _newest(before) and min(a.version for _, _, e in again for a in e.records) > newest
