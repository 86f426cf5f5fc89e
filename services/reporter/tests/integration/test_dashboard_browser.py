"""A real browser (Playwright driving Debian's Chromium) signs in, changes slicers and sees the figures change.

Sign-in goes through a stand-in for the uploader's ``/sso/reporter`` (it vouches for an analyst at once, with
a real signed assertion); ``tests/e2e/test_uploader_browser.py`` signs in at the real uploader with password
and TOTP. Runs in ``make test`` (integration). Needs ``/usr/bin/chromium`` (``apt-get install -y chromium``) and the
``playwright`` Python package; without them it is skipped, or fails under LEAP_REQUIRE_SERVICES=1.
"""

from datetime import date, timedelta

import pytest

from leap_contracts.testing_browser import SignOn, chromium, free_port, serving

from leap_reporter.app import create_app
from leap_reporter.settings import Settings


@pytest.fixture
async def dashboard(db, database_url, builder, events):
    """The reporter's pages on a real port (no Kafka: the lifespan is off), 40 people in CAN and 20 in MIR."""
    day = date(2024, 1, 1)
    await builder.on_records_matched(events.matched("CAN", [
        events.record(i + 2, f"c{i}", day + timedelta(days=i), ward=("E1", "Stockwell")) for i in range(40)]))
    await builder.on_records_matched(events.matched("MIR", [
        events.record(i + 2, f"m{i}", day + timedelta(days=200 + i), ward=("E2", "Vassall")) for i in range(20)]))
    sign_on, uploader_port, port = SignOn("reporter", username="ana.lyst"), free_port(), free_port()
    app = create_app(Settings(database_url=database_url, identity_public_key=sign_on.public_key, session_key="b" * 40,
                              sign_in_url=sign_on.url(uploader_port)))
    app.state.pool = db
    async with serving((sign_on.app(), uploader_port), (app, port)):
        yield f"http://127.0.0.1:{port}"


async def test_analyst_signs_in_and_slicers_change_the_figures(dashboard):
    async with chromium() as browser:
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
