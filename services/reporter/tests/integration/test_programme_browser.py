"""A real browser (Playwright driving Debian's Chromium) opens the programme page from the dashboard: reach over
time, engagement depth, outcomes side by side for engaged and not engaged children, the Theory of Change.
Same set-up as test_dashboard_browser.py (a stand-in for the uploader's sign-in; no Kafka)."""

import uuid
from datetime import date, timedelta

import pytest

from leap_contracts.envelope import seal
from leap_contracts.events import LinkedOutcome, OutcomesLinkedV1, OutcomeValue
from leap_contracts.testing_browser import SignOn, chromium, free_port, serving

from leap_reporter.app import create_app
from leap_reporter.service.outcome_handlers import OutcomeReadModel
from leap_reporter.settings import Settings


@pytest.fixture
def sign_on():
    """The stand-in for the uploader's sign-in: an analyst unless a test says otherwise."""
    return SignOn("reporter")


def _outcomes(upload_id, refs):
    records = [LinkedOutcome(row_number=i + 2, individual_ref=ref, subject_ref=f"{i:032x}",
                             outcome=OutcomeValue(measure="eyfsp_gld", measured_on=date(2025, 6, 30),
                                                  result="yes" if i % 3 else "no", positive=bool(i % 3)))
               for i, ref in enumerate(refs)]
    event = OutcomesLinkedV1(upload_id=upload_id, provider_id="la", source_code="EDU", chunk_index=0,
                             records=records, linked=0, unlinked=0, bridging=0)
    return seal(event, producer="matcher", correlation_id=str(upload_id))


@pytest.fixture
async def dashboard(db, database_url, builder, events, sign_on):
    """40 children in CAN; EYFSP records for 30 of them and 60 children no service saw."""
    await db.execute("TRUNCATE theory_of_change")
    day = date(2024, 1, 1)
    await builder.on_records_matched(events.matched("CAN", [
        events.record(i + 2, f"c{i}", day + timedelta(days=7 * i)) for i in range(40)]))
    await OutcomeReadModel(db).on_outcomes_linked(_outcomes(uuid.uuid4(), [f"c{i}" for i in range(30)] + [None] * 60))
    uploader_port, port = free_port(), free_port()
    app = create_app(Settings(database_url=database_url, identity_public_key=sign_on.public_key, session_key="b" * 40,
                              sign_in_url=sign_on.url(uploader_port)))
    app.state.pool = db
    async with serving((sign_on.app(), uploader_port), (app, port)):
        yield f"http://127.0.0.1:{port}"


async def test_analyst_opens_the_programme_page(dashboard):
    async with chromium() as browser:
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


async def test_an_admin_configures_the_theory_of_change_on_the_page(dashboard, sign_on):
    sign_on.role, sign_on.user_id = "admin", 2
    async with chromium() as browser:
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

