"""A real browser (Playwright driving Debian's Chromium) on the matcher's review page: an admin signed in through
(a stand-in for) the uploader's ``/sso/matcher`` sees the pending grey-band pair with its score and agreement
pattern and no identifier, rejects it with a reason, and the answer is audited under their name; an analyst sees
the queue without the answer form.

Needs ``/usr/bin/chromium`` and the ``playwright`` package; without them it is skipped, or fails under
LEAP_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from leap_contracts import identity
from leap_matcher.app import create_app
from leap_matcher.domain.tolerant import TolerantSettings
from leap_matcher.service.tolerant_linking import link_chunk
from leap_matcher.settings import Settings

sys.path.insert(0, str(Path(__file__).parent))  # tolerant_chunks (import mode is importlib)
from tolerant_chunks import _child, _chunk  # noqa: E402

pytestmark = pytest.mark.integration
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PRIVATE, PUBLIC = identity.new_key_pair()
UPLOADS = [uuid.UUID(int=i) for i in range(21, 24)]
DOB = date(2021, 9, 14)


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


def _stand_in_uploader(role: dict[str, str]) -> FastAPI:
    app, key = FastAPI(), identity.load_private_key(PRIVATE)

    @app.get("/sso/matcher")
    async def sso(return_to: str):
        assertion = identity.issue(key, user_id=9, username=f"{role['now']}.one", role=role["now"],
                                   audience="matcher")
        return RedirectResponse(f"{return_to}&assertion={assertion}", status_code=303)
    return app


async def _serve(app, port: int):
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)  # poll until started, bounded by the test timeout (milliseconds)
    return server, task


@pytest.fixture
async def review_page(pool, database_url):
    """The matcher's pages on a real port (no Kafka: the lifespan is off) with one pending grey-band pair."""
    await pool.execute("TRUNCATE tolerant_record, tolerant_token, fuzzy_link, review_item, review_audit")
    for event in (_chunk(UPLOADS[0], "DL", [_child(2, "DL", "1", "Amelia", DOB, "mum@y.net")]),
                  _chunk(UPLOADS[2], "NT", [_child(2, "NT", "1", "Amelia", DOB, "dad@y.net")])):  # another carer
        await link_chunk(pool, event, TolerantSettings())
    role = {"now": "admin"}
    uploader_port, port = _free_port(), _free_port()
    app = create_app(Settings(database_url=database_url, identity_public_key=PUBLIC,
                              sign_in_url=f"http://127.0.0.1:{uploader_port}/sso/matcher"))
    app.state.pool_of = lambda: pool
    servers = [await _serve(_stand_in_uploader(role), uploader_port), await _serve(app, port)]
    yield f"http://127.0.0.1:{port}", role
    for server, task in servers:
        server.should_exit = True
        await task


async def test_admin_rejects_a_grey_band_pair_with_a_reason_and_it_is_audited(review_page, pool):
    base, role = review_page
    async_playwright = _require_browser()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            role["now"] = "analyst"
            page = await browser.new_page()
            await page.goto(base + "/tolerant/review")  # -> sign-in at the stand-in uploader -> back here
            assert page.url == base + "/tolerant/review"
            assert await page.locator("#queue tbody tr").count() == 1 and await page.locator("form.answer").count() == 0
            role["now"] = "admin"
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
        finally:
            await browser.close()
    audit = [tuple(r) for r in await pool.fetch("SELECT actor, role, action, reason, outcome FROM review_audit")]
    assert audit == [("user:admin.one", "admin", "reject", "different carers: twins of a family that moved",
                      "rejected")]
    assert await pool.fetchval("SELECT state FROM review_item") == "rejected"
