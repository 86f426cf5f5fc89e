"""A real browser (Playwright driving Debian's Chromium) on the matcher's review page: an admin signed in through
(a stand-in for) the uploader's ``/sso/matcher`` sees the pending grey-band pair with its score and agreement
pattern and no identifier, rejects it with a reason, and the answer is audited under their name; an analyst sees
the queue without the answer form.

Needs ``/usr/bin/chromium`` and the ``playwright`` package; without them it is skipped, or fails under
LEAP_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import sys
import uuid
from datetime import date
from pathlib import Path

import pytest

from leap_contracts.testing_browser import SignOn, chromium, free_port, serving
from leap_matcher.app import create_app
from leap_matcher.domain.tolerant import TolerantSettings
from leap_matcher.service.tolerant_linking import link_chunk
from leap_matcher.settings import Settings

sys.path.insert(0, str(Path(__file__).parent))  # tolerant_chunks (import mode is importlib)
from tolerant_chunks import _child, _chunk

pytestmark = pytest.mark.integration
UPLOADS = [uuid.UUID(int=i) for i in range(21, 24)]
DOB = date(2021, 9, 14)


@pytest.fixture
async def review_page(pool, database_url):
    """The matcher's pages on a real port (no Kafka: the lifespan is off) with one pending grey-band pair."""
    await pool.execute("TRUNCATE tolerant_record, tolerant_token, fuzzy_link, review_item, review_audit")
    for event in (_chunk(UPLOADS[0], "DL", [_child(2, "DL", "1", "Amelia", DOB, "mum@y.net")]),
                  _chunk(UPLOADS[2], "NT", [_child(2, "NT", "1", "Amelia", DOB, "dad@y.net")])):  # another carer
        await link_chunk(pool, event, TolerantSettings())
    sign_on, uploader_port, port = SignOn("matcher", user_id=9), free_port(), free_port()
    app = create_app(Settings(database_url=database_url, identity_public_key=sign_on.public_key,
                              sign_in_url=sign_on.url(uploader_port)))
    app.state.pool_of = lambda: pool
    async with serving((sign_on.app(), uploader_port), (app, port)):
        yield f"http://127.0.0.1:{port}", sign_on


async def test_admin_rejects_a_grey_band_pair_with_a_reason_and_it_is_audited(review_page, pool):
    base, sign_on = review_page
    async with chromium() as browser:
        sign_on.role = "analyst"
        page = await browser.new_page()
        await page.goto(base + "/tolerant/review")  # -> sign-in at the stand-in uploader -> back here
        assert page.url == base + "/tolerant/review"
        assert await page.locator("#queue tbody tr").count() == 1 and await page.locator("form.answer").count() == 0
        sign_on.role = "admin"
        page = await (await browser.new_context()).new_page()
        await page.goto(base + "/tolerant/review")
        item = page.locator("#queue tbody tr")
        text = await item.inner_text()
        assert "DL and NT" in text and "carer: disagree" in text and "agree" in text
        assert "Amelia" not in text and str(UPLOADS[0]) not in await page.content()  # no identifier, no record id
        await item.locator("input[name=reason]").fill("different carers: twins of a family that moved")
        await item.locator("button[value=false]").click()
        await page.wait_for_url("**/tolerant/review?outcome=rejected")
        assert "never linked" in await page.locator("#outcome").inner_text()
        assert await page.locator("#empty").is_visible()
    audit = [tuple(r) for r in await pool.fetch("SELECT actor, role, action, reason, outcome FROM review_audit")]
    assert audit == [("user:admin.one", "admin", "reject", "different carers: twins of a family that moved",
                      "rejected")]
    assert await pool.fetchval("SELECT state FROM review_item") == "rejected"
