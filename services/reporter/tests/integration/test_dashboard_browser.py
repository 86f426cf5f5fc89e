"""A real browser (Playwright driving Debian's Chromium) signs in, changes slicers and sees the figures change.

Sign-in goes through a stand-in for the uploader's ``/sso/reporter`` (it vouches for an analyst at once, with
a real signed assertion); ``tests/e2e/test_uploader_browser.py`` signs in at the real uploader with password
and TOTP. Runs in ``make test`` (integration). Needs ``/usr/bin/chromium`` (``apt-get install -y chromium``) and the
``playwright`` Python package; without them it is skipped, or fails under LEAP_REQUIRE_SERVICES=1.
"""

import asyncio
import os
import shutil
import socket
from datetime import date, timedelta

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
    """Vouches for an analyst who signed in with both factors (the real uploader is tested on its own)."""
    app, key = FastAPI(), identity.load_private_key(PRIVATE)

    @app.get("/sso/reporter")
    async def sso(return_to: str):
        assertion = identity.issue(key, user_id=1, username="ana.lyst", role="analyst", audience="reporter")
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
    """The reporter's pages on a real port (no Kafka: the lifespan is off), 40 people in CAN and 20 in MIR."""
    day = date(2024, 1, 1)
    await builder.on_records_matched(events.matched("CAN", [
        events.record(i + 2, f"c{i}", day + timedelta(days=i), ward=("E1", "Stockwell")) for i in range(40)]))
    await builder.on_records_matched(events.matched("MIR", [
        events.record(i + 2, f"m{i}", day + timedelta(days=200 + i), ward=("E2", "Vassall")) for i in range(20)]))
    uploader_port, port = _free_port(), _free_port()
    app = create_app(Settings(database_url=database_url, identity_public_key=PUBLIC, session_key="b" * 40,
                              sign_in_url=f"http://127.0.0.1:{uploader_port}/sso/reporter"))
    app.state.pool = db
    servers = [await _serve(_stand_in_uploader(), uploader_port), await _serve(app, port)]
    yield f"http://127.0.0.1:{port}"
    for server, task in servers:
        server.should_exit = True
        await task


async def test_analyst_signs_in_and_slicers_change_the_figures(dashboard):
    async_playwright = _require_browser()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = await browser.new_page()
            await page.goto(dashboard + "/")  # -> /signin -> the uploader -> /signin/callback -> back to /
            assert page.url == dashboard + "/"
            cookie = next(c for c in await page.context.cookies() if c["name"] == "leap_reporter_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
            assert "analyst" in await page.locator(".who").inner_text()
            headline = page.locator("#headline")
            await headline.wait_for()
            assert await headline.inner_text() == "60"
            await page.select_option("#f-service", "CAN")
            await page.wait_for_url("**service=CAN**")
            assert await page.locator("#headline").inner_text() == "40"
            await page.select_option("#f-ward", "E2")  # CAN and Vassall: nobody
            await page.wait_for_url("**ward=E2**")
            assert await page.locator("#headline").inner_text() == "0"
            await page.select_option("#f-service", "")
            await page.wait_for_function("document.getElementById('headline').innerText === '20'")
            await page.select_option("#f-period", "month")
            await page.wait_for_url("**period=month**")
            assert await page.locator("svg.chart").count() == 1
            assert await page.locator("#reach-by-month tbody tr").count() >= 2  # months, then the total
            await page.click("text=Engagement")
            await page.wait_for_url("**/engagement**")
            assert await page.locator("#overlap").is_visible()
        finally:
            await browser.close()
