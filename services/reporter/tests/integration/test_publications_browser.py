"""A real browser (Playwright driving Debian's Chromium) signs in as an analyst, publishes a return on the
"Published returns" page, sees it listed, and downloads its CSV: the bytes stored at publication. After a late
upload, the reach page notes the revised figure, shows it "as at" its publication with the date control, and the
return's revision report is one click from the Published returns page.

Sign-in goes through a stand-in for the uploader's ``/sso/reporter`` (as in ``test_dashboard_browser.py``).
Needs ``/usr/bin/chromium`` and the ``playwright`` package; without them it is skipped, or fails under
LEAP_REQUIRE_SERVICES=1.
"""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from leap_contracts.testing_browser import SignOn, chromium, free_port, serving

from leap_reporter.app import create_app
from leap_reporter.settings import Settings


@pytest.fixture
async def dashboard(db, database_url, builder, events):
    """The reporter's pages on a real port (no Kafka: the lifespan is off), 40 people in CAN in Q4 2023/24."""
    await builder.on_records_matched(events.matched("CAN", [
        events.record(i + 2, f"c{i}", date(2024, 1, 1) + timedelta(days=i)) for i in range(40)]))
    sign_on, uploader_port, port = SignOn("reporter", username="ana.lyst", user_id=7), free_port(), free_port()
    app = create_app(Settings(database_url=database_url, identity_public_key=sign_on.public_key,
                              sign_in_url=sign_on.url(uploader_port)))
    app.state.pool = db
    async with serving((sign_on.app(), uploader_port), (app, port)):
        yield f"http://127.0.0.1:{port}"


async def test_analyst_publishes_a_return_and_downloads_it_as_published(dashboard, db, builder, events):
    async with chromium() as browser:
        page = await browser.new_page(accept_downloads=True)
        await page.goto(dashboard + "/publications")  # -> sign-in at the stand-in uploader -> back here
        assert page.url == dashboard + "/publications"
        await page.fill("#p-name", "Q4 2023/24 browser return")
        await page.fill("#p-from", "2024-01-01")
        await page.fill("#p-to", "2024-03-31")
        await page.click("#p-submit")
        await page.wait_for_url("**/publications?published=**")
        assert await page.locator("#published-notice").is_visible()
        row = page.locator("#returns tbody tr", has_text="Q4 2023/24 browser return")
        assert "ana.lyst" in await row.inner_text()
        async with page.expect_download() as info:
            await row.locator("text=CSV").click()
        download = await info.value
        body = Path(await download.path()).read_bytes()
        stored = await db.fetchval("SELECT csv FROM publication WHERE name = 'Q4 2023/24 browser return'")
        assert body == bytes(stored)
        assert download.suggested_filename == "q4-2023-24-browser-return-2024-03-31.csv"
        assert "Total,40" in body.decode("utf-8-sig")

        # A late upload for the quarter: the reach page says the published figure changed, and why.
        await builder.on_records_matched(events.matched("MIR", [
            events.record(i + 2, f"late{i}", date(2024, 3, 1)) for i in range(20)]))
        await page.goto(dashboard + "/")
        note = page.locator("#revised li", has_text="Q4 2023/24 browser return")
        assert "published as 40" in await note.inner_text() and "it is 60 now" in await note.inner_text()
        await note.locator("text=as published").click()  # the reach page as at the publication
        await page.wait_for_url("**as_at=**")
        assert await page.locator("#as-at-note").is_visible()
        assert await page.locator("#headline").inner_text() == "40"
        assert await page.locator("#f-as-at").input_value() == datetime.now(UTC).date().isoformat()  # today
        await page.fill("#f-as-at", "")  # the date control cleared: the figures as they stand
        await page.dispatch_event("#slicers", "change")
        await page.wait_for_function("!location.search.includes('as_at')")
        assert await page.locator("#headline").inner_text() == "60"

        await page.goto(dashboard + "/publications")
        row = page.locator("#returns tbody tr", has_text="Q4 2023/24 browser return")
        await row.locator("a.revisions").click()
        await page.wait_for_url("**/revisions")
        service = page.locator("#rev-reach-by-service")
        total = service.locator("tr[data-row=total]")
        assert (await total.inner_text()).split("\t")[2:5] == ["40", "60", "20"]
        assert "Added late: upload" in await service.locator(".upload-added").inner_text()
