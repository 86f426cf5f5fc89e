"""A real browser (Playwright driving Debian's Chromium) opens the programme page from the dashboard: reach over
time, engagement depth, outcomes side by side for engaged and not engaged children, the Theory of Change.
Same set-up as test_dashboard_browser.py (a stand-in for the uploader's sign-in; no Kafka)."""

import asyncio
import os
import shutil
import socket
import uuid
from datetime import date, timedelta

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from leap_contracts import identity
from leap_contracts.envelope import seal
from leap_contracts.events import LinkedOutcome, OutcomesLinkedV1, OutcomeValue

from leap_reporter.app import create_app
from leap_reporter.service.outcome_handlers import OutcomeReadModel
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


ROLE = {"role": "analyst"}
"""Who the stand-in vouches for (a test may sign in an admin)."""


def _stand_in_uploader() -> FastAPI:
    app, key = FastAPI(), identity.load_private_key(PRIVATE)

    @app.get("/sso/reporter")
    async def sso(return_to: str):
        role = ROLE["role"]
        assertion = identity.issue(key, user_id=1 if role == "analyst" else 2, username=f"{role}.one", role=role,
                                   audience="reporter")
        return RedirectResponse(f"{return_to}&assertion={assertion}", status_code=303)
    return app


async def _serve(app, port: int):
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)  # poll until started, bounded by the test timeout (milliseconds)
    return server, task


def _outcomes(upload_id, refs):
    records = [LinkedOutcome(row_number=i + 2, individual_ref=ref, subject_ref=f"{i:032x}",
                             outcome=OutcomeValue(measure="eyfsp_gld", measured_on=date(2025, 6, 30),
                                                  result="yes" if i % 3 else "no", positive=bool(i % 3)))
               for i, ref in enumerate(refs)]
    event = OutcomesLinkedV1(upload_id=upload_id, provider_id="la", source_code="EDU", chunk_index=0,
                             records=records, linked=0, unlinked=0, bridging=0)
    return seal(event, producer="matcher", correlation_id=str(upload_id))


@pytest.fixture
async def dashboard(db, database_url, builder, events):
    """40 children in CAN; EYFSP records for 30 of them and 60 children no service saw."""
    await db.execute("TRUNCATE theory_of_change")
    day = date(2024, 1, 1)
    await builder.on_records_matched(events.matched("CAN", [
        events.record(i + 2, f"c{i}", day + timedelta(days=7 * i)) for i in range(40)]))
    await OutcomeReadModel(db).on_outcomes_linked(_outcomes(uuid.uuid4(), [f"c{i}" for i in range(30)] + [None] * 60))
    uploader_port, port = _free_port(), _free_port()
    app = create_app(Settings(database_url=database_url, identity_public_key=PUBLIC, session_key="b" * 40,
                              sign_in_url=f"http://127.0.0.1:{uploader_port}/sso/reporter"))
    app.state.pool = db
    servers = [await _serve(_stand_in_uploader(), uploader_port), await _serve(app, port)]
    yield f"http://127.0.0.1:{port}"
    for server, task in servers:
        server.should_exit = True
        await task


async def test_analyst_opens_the_programme_page(dashboard):
    async_playwright = _require_browser()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = await browser.new_page()
            await page.goto(dashboard + "/")
            await page.click("text=Programme")
            await page.wait_for_url("**/programme**")
            assert await page.locator("#reach-over-time svg.chart").count() == 1
            assert await page.locator("#engagement-depth table").is_visible()
            row = page.locator('#outcomes-side-by-side tr[data-measure="eyfsp_gld"]')
            assert await row.locator('[data-group="0"]').inner_text() == "66.7% (40/60)"  # suppressed: rounded
            assert await row.locator('[data-group="1"]').inner_text() == "66.7% (20/30)"
            coverage = page.locator("#outcomes-coverage tbody tr").filter(has_text="EYFSP good level of development")
            assert "30" in await coverage.inner_text() and "40" in await coverage.inner_text()
            toc = page.locator("#theory-of-change tr.toc-outcome")
            assert await toc.count() == 6  # the default view until an admin saves the programme's own
            ready = toc.filter(has_text="Children are ready for school")
            assert "2025: 66.7% / 66.7%" in await ready.inner_text()
            assert await page.locator("#toc-form").count() == 0  # analysts read it; admins configure it
        finally:
            await browser.close()


async def test_an_admin_configures_the_theory_of_change_on_the_page(dashboard):
    async_playwright = _require_browser()
    ROLE["role"] = "admin"
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = await browser.new_page()
                await page.goto(dashboard + "/programme")
                await page.wait_for_url("**/programme**")
                await page.fill("#toc-document", '{"outcomes": [{"name": "Ready for school", "services": ["XX"], '
                                                 '"indicator": "eyfsp_gld"}]}')
                await page.click("#toc-form button")
                assert "unknown service code(s) XX" in await page.locator("#toc-form [role=alert]").inner_text()
                await page.fill("#toc-document", '{"outcomes": [{"name": "Ready for school", "services": ["CAN"], '
                                                 '"indicator": "eyfsp_gld"}]}')
                await page.click("#toc-form button")
                await page.wait_for_url("**/programme#theory-of-change")
                rows = page.locator("#theory-of-change tr.toc-outcome")
                assert await rows.count() == 1
                assert "CAN Community Activity & Nutrition" in await rows.inner_text()
                assert "Configured by admin.one" in await page.locator("#theory-of-change").inner_text()
            finally:
                await browser.close()
    finally:
        ROLE["role"] = "analyst"
