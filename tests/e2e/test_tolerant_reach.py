"""Published reach under the linkage policy, on the real broker: a small generated set with realistic recording
errors goes through all four services with tolerant linkage on. The reporter's tolerant count (from the matcher's
TolerantRecordsRelinkedV1 events) equals the matcher's own partition; it is below the exact count; an admin's
choice of tolerant linkage makes it the published figure, the exact count beside it; the data-quality page gets
the matcher's linkage-quality figures (LinkageQualityMeasuredV1), counts only."""

from __future__ import annotations

import asyncio
import json
import time

import asyncpg
import httpx
import pytest

from leap_tools.client import PlatformClient
from leap_tools.generator.errors import ErrorRates
from leap_tools.generator.run import generate
from leap_tools.localenv import create_provider
from leap_tools.throwaway import running_platform

pytestmark = pytest.mark.e2e
SETTINGS = {"MATCHER_TOLERANT_LINKING": "1", "REPORTER_TOLERANT_LINKING": "1",
            "MATCHER_TOLERANT_QUALITY_INTERVAL": "0.5"}
ADMIN = {"Authorization": "Bearer e2e-reporter-admin-token"}


@pytest.fixture(scope="module")
def platform():
    with running_platform("e2e_tolerant", SETTINGS) as platform:
        yield platform


async def _counts(env: dict) -> dict:
    """The matcher's tolerant partition and how far the reporter's read model has taken it in."""
    matcher = await asyncpg.connect(env["MATCHER_DATABASE_URL"], server_settings={"search_path": "matcher"})
    reporter = await asyncpg.connect(env["REPORTER_DATABASE_URL"], server_settings={"search_path": "reporter"})
    try:
        return {
            "tolerant_records": await matcher.fetchval("SELECT count(*) FROM tolerant_record"),
            "matcher_tolerant": await matcher.fetchval(
                "SELECT count(DISTINCT cluster) FILTER (WHERE attended) FROM tolerant_record"),
            "engagements": await reporter.fetchval("SELECT count(*) FROM engagement"),
            "unassigned": await reporter.fetchval(
                "SELECT count(*) FROM engagement x WHERE NOT EXISTS (SELECT 1 FROM tolerant_assignment t "
                "WHERE t.upload_id = x.upload_id AND t.row_number = x.row_number)"),
            "quality_version": await reporter.fetchval("SELECT version FROM linkage_quality"),
            "changed": await matcher.fetchval("SELECT changed FROM tolerant_quality_changed"),
        }
    finally:
        await matcher.close()
        await reporter.close()


def _settled(client: PlatformClient, env: dict, deadline_s: float) -> tuple[dict, dict]:
    """Poll until the reporter is up to date, holds a tolerant ref for every engagement, counts what the matcher's
    partition counts, and has the figures of the matcher's last change; (reach answer, counts)."""
    deadline, last = time.monotonic() + deadline_s, None
    while time.monotonic() < deadline:
        answer = client.reach(consistency="current")
        counts = asyncio.run(_counts(env))
        last = (answer["linkage"], counts)
        if (answer["up_to_date"] and counts["engagements"] == counts["tolerant_records"] > 0
                and counts["unassigned"] == 0 and answer["linkage"]["tolerant"] == counts["matcher_tolerant"]
                and counts["quality_version"] == counts["changed"]):
            return answer, counts
        time.sleep(0.25)  # poll interval, bounded by the deadline above
    raise TimeoutError(f"tolerant linkage not settled after {deadline_s:.0f}s; last: {last}")


def test_published_reach_follows_the_linkage_policy_with_the_other_count_beside_it(platform, tmp_path):
    generate(900, tmp_path, seed=18, error_rates=ErrorRates.parse("realistic"))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    services = sorted({f["service"] for f in manifest["files"]})
    token = create_provider(platform.env, "e2e-tolerant", "Tolerant linkage test provider", services)
    client = PlatformClient(platform.url("uploader"), platform.url("reporter"), token,
                            reporter_token="e2e-reporter-analyst-token")
    uploads = [client.upload(tmp_path / f["file"], f["service"]) for f in manifest["files"]]
    client.wait_final(uploads, deadline_s=300)

    answer, counts = _settled(client, platform.env, deadline_s=180)
    linkage = answer["linkage"]
    assert linkage["published"] == "exact" and answer["unique_beneficiaries"] == linkage["exact"]
    assert linkage["tolerant"] < linkage["exact"]  # recording errors that exact tokens miss were joined
    assert linkage["difference"] == linkage["exact"] - linkage["tolerant"]

    reporter = platform.url("reporter")
    changed = httpx.put(f"{reporter}/api/v1/linkage/policy", json={"published": "tolerant"}, headers=ADMIN, timeout=30)
    assert changed.status_code == 200 and changed.json()["in_force"] == "tolerant"
    tolerant = client.reach(consistency="current")
    assert tolerant["unique_beneficiaries"] == counts["matcher_tolerant"]
    assert (tolerant["linkage"]["published"], tolerant["linkage"]["exact"]) == ("tolerant", linkage["exact"])
    by_service = client.reporter_get("/api/v1/figures/reach-by-service", consistency="current").json()
    assert by_service["rows"][-1][2] == counts["matcher_tolerant"]

    summary = client.reporter_get("/api/v1/figures/quality-linkage").json()
    rows = {r[0]: r[2] for r in summary["rows"]}
    assert rows["published"] == "tolerant linkage" and rows["tolerant"] == counts["matcher_tolerant"]
    assert rows["measured_at"] != "not yet" and rows["fuzzy_share"].endswith("%")
    per_upload = client.reporter_get("/api/v1/figures/quality-linkage-by-upload").json()
    assert sorted(r[0] for r in per_upload["rows"]) == sorted(uploads)
    assert sum(r[3] for r in per_upload["rows"]) == counts["tolerant_records"]
    shown = json.dumps([summary, per_upload])
    assert "TOL-" not in shown and "IND-" not in shown
