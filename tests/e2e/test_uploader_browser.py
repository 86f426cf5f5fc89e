"""A provider's data officer in a real browser (Chromium driven by Playwright) on the running platform:
enrols an authenticator app (TOTP), signs in, uploads a file with bad rows, follows its status and downloads
the validation report.

Needs the ``playwright`` package and Debian's Chromium (/usr/bin/chromium); skipped without Chromium
unless LEAP_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from leap_tools.localenv import create_provider, run_module

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "browser-test password 1"
BAD_FILE = ("provider_record_id,beneficiary_type,engagement_date,first_name,date_of_birth,gender,email\n"
            + "".join(f"B{i},parent,2025-03-{1 + i % 28:02d},,,,parent{i}@example.org\n" for i in range(30))
            + "B90,alien,2025-03-02,,,,\n"
            + 'B91,child,"=1+2",Ann,2021-01-01,F,\n')


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright
    if not CHROMIUM.exists():
        if os.environ.get("LEAP_REQUIRE_SERVICES") == "1":
            raise RuntimeError("no /usr/bin/chromium: apt-get install -y chromium")
        pytest.skip("no /usr/bin/chromium (apt-get install -y chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def test_a_data_officer_enrols_signs_in_uploads_and_downloads_the_report(platform, chromium, tmp_path):
    create_provider(platform.env, "browser-provider", "Browser test provider", ["CAN"])
    run_module("leap_uploader.admin", "create-user", "--username", "officer.browser", "--role", "provider",
               "--provider", "browser-provider", env={**platform.env, "UPLOADER_NEW_USER_PASSWORD": PASSWORD})
    base = platform.url("uploader").replace("127.0.0.1", "localhost")  # Secure cookies: localhost is trusted
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(90_000)  # a loaded CI machine; every wait below ends as soon as its condition holds
    try:
        for attempt in range(3):  # a first navigation can stall on a loaded machine; retry it, bounded
            try:
                page.goto(f"{base}/uploads", timeout=30_000, wait_until="domcontentloaded")
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
        assert page.url.endswith("/sign-in")
        page.fill("#username", "officer.browser")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Set up your authenticator app")
        assert page.locator(".qr svg").count() == 1
        secret = page.inner_text("#totp-secret").strip()
        page.fill("#code", pyotp.TOTP(secret).now())
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/uploads")
        cookie = next(c for c in context.cookies() if c["name"] == "leap_session")
        assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"

        sample = tmp_path / "march contacts.csv"
        sample.write_text(BAD_FILE, encoding="utf-8")
        page.select_option("#service", "CAN")
        page.set_input_files("#file", str(sample))
        page.click("#upload-button")
        page.wait_for_selector("text=Validation has started")
        assert page.eval_on_selector("#progress", "p => p.value") == 100

        deadline = time.monotonic() + 120
        status = ""
        while time.monotonic() < deadline:  # the page polls the status itself; wait for it to move on
            status = page.inner_text("#history tbody tr:first-child .status")
            if status in ("processing", "completed", "rejected"):
                break
            page.wait_for_timeout(500)
        assert status in ("processing", "completed"), status

        page.click("#history tbody tr:first-child a")
        page.wait_for_selector("#problems")
        assert "beneficiary_type" in page.inner_text("#problems") and "alien" in page.inner_text("#problems")
        with page.expect_download() as download:
            page.click("#download-csv")
        rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
        assert rows[0][:3] == ["row", "column", "value"]
        by_row = {(r[0], r[1]): r for r in rows[1:]}
        assert by_row[("32", "beneficiary_type")][2] == "alien"
        assert by_row[("33", "engagement_date")][2] == "'=1+2"  # safe to open in Excel
    finally:
        context.close()
