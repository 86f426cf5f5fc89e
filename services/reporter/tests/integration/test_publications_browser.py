"""A real browser (Playwright driving Debian's Chromium) signs in as an analyst, publishes a return on the
"Published returns" page, sees it listed, and downloads its CSV: the bytes stored at publication. After a late
upload, the reach page notes the revised figure, shows it "as at" its publication with the date control, and the
return's revision report is one click from the Published returns page.

Sign-in goes through a stand-in for the uploader's ``/sso/reporter`` (as in ``test_dashboard_browser.py``).
Needs ``/usr/bin/chromium`` and the ``playwright`` package; without them it is skipped, or fails under
LEAP_REQUIRE_SERVICES=1.
"""

import asyncio
import os
import shutil
import socket
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from leap_contracts import identity

from leap_reporter.app import create_app
from leap_reporter.settings import Settings

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PRIVATE, PUBLIC = identity.new_key_pair()


def _require_browser():
    try:
        from playwright.async_api import async_playwright
    except ImportError as exc:
        missing = f"playwright is not installed ({exc})"
    else:
        if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
            return async_playwright
        missing = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    if os.environ.get("LEAP_REQUIRE_SERVICES"):
        pytest.fail(missing)
    pytest.skip(missing)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stand_in_uploader() -> FastAPI:
    app, key = FastAPI(), identity.load_private_key(PRIVATE)

    @app.get("/sso/reporter")
    async def sso(return_to: str):
        assertion = identity.issue(key, user_id=7, username="ana.lyst", role="analyst", audience="reporter")
        return RedirectResponse(f"{return_to}&assertion={assertion}", status_code=303)
    return app


async def _serve(app, port: int):
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)  # poll until started, bounded by the test timeout (milliseconds)
    return server, task


@pytest.fixture
async def dashboard(db, database_url, builder, events):
    """The reporter's pages on a real port (no Kafka: the lifespan is off), 40 people in CAN in Q4 2023/24."""
    await builder.on_records_matched(events.matched("CAN", [
        events.record(i + 2, f"c{i}", date(2024, 1, 1) + timedelta(days=i)) for i in range(40)]))
    uploader_port, port = _free_port(), _free_port()
    app = create_app(Settings(database_url=database_url, identity_public_key=PUBLIC,
                              sign_in_url=f"http://127.0.0.1:{uploader_port}/sso/reporter"))
    app.state.pool = db
    servers = [await _serve(_stand_in_uploader(), uploader_port), await _serve(app, port)]
    yield f"http://127.0.0.1:{port}"
    for server, task in servers:
        server.should_exit = True
        await task


async def test_analyst_publishes_a_return_and_downloads_it_as_published(dashboard, db, builder, events):
    async_playwright = _require_browser()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
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
        finally:
            await browser.close()
