"""People in a real browser (Chromium driven by Playwright) on the running platform: a provider's data
officer enrols an authenticator app (TOTP), signs in, uploads a file with bad rows, follows its status and
downloads the validation report; an analyst opens the reporter's dashboard, signs in at the uploader (password
and TOTP, single sign-on) and changes the slicers.

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

from leap_tools.client import PlatformClient
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


def _people_file(tmp_path: Path, name: str, count: int) -> Path:
    path = tmp_path / f"{name}.csv"
    path.write_text("provider_record_id,beneficiary_type,engagement_date,email\n" + "".join(
        f"{name}{i},parent,2025-02-{1 + i % 28:02d},{name}.{i}@example.org\n" for i in range(count)), encoding="utf-8")
    return path


def _headline(page) -> int:
    return int(page.inner_text("#headline").replace(",", ""))


def test_an_analyst_signs_in_at_the_uploader_and_uses_the_dashboard(platform, chromium, tmp_path):
    """Single sign-on: the dashboard sends the analyst to the uploader (password, then TOTP), and back."""
    token = create_provider(platform.env, "sso-provider", "Single sign-on test provider", ["CAN", "PINE"])
    client = PlatformClient(platform.url("uploader"), platform.url("reporter"), token,
                            reporter_token=platform.env["REPORTER_ANALYST_TOKEN"])
    uploads = [client.upload(_people_file(tmp_path, "ssocan", 12), "CAN"),
               client.upload(_people_file(tmp_path, "ssopine", 5), "PINE")]
    run_module("leap_uploader.admin", "create-user", "--username", "analyst.browser", "--role", "analyst",
               env={**platform.env, "UPLOADER_NEW_USER_PASSWORD": PASSWORD})
    client.wait_final(uploads, deadline_s=300)
    deadline = time.monotonic() + 120
    while not (client.reach(service="CAN")["unique_beneficiaries"] >= 12
               and client.reach(service="PINE")["unique_beneficiaries"] >= 5):
        assert time.monotonic() < deadline, "the reporter did not catch up with the uploads"
        time.sleep(0.25)  # poll interval, bounded by the deadline

    reporter, uploader = platform.browser_url("reporter"), platform.browser_url("uploader")
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(90_000)  # a loaded CI machine; every wait below ends as soon as its condition holds
    try:
        page.goto(f"{reporter}/", wait_until="domcontentloaded")  # -> /signin -> the uploader's sign-in
        assert page.url.startswith(f"{uploader}/sign-in?next=%2Fsso%2Freporter")
        page.fill("#username", "analyst.browser")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Set up your authenticator app")
        page.fill("#code", pyotp.TOTP(page.inner_text("#totp-secret").strip()).now())
        page.click("main button[type=submit]")
        page.wait_for_url(f"{reporter}/")  # back on the dashboard with a vouched-for session
        assert "analyst" in page.inner_text(".who")
        cookie = next(c for c in context.cookies() if c["name"] == "leap_reporter_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

        everyone = _headline(page)
        page.select_option("#f-service", "CAN")
        page.wait_for_url("**service=CAN**")
        can = _headline(page)
        page.select_option("#f-service", "PINE")
        page.wait_for_url("**service=PINE**")
        pine = _headline(page)
        assert can >= 12 and pine >= 5 and everyone > can and everyone > pine  # distinct people per service
        page.click("text=sign out")
        page.wait_for_selector("text=You are signed out of the dashboard")
        assert not any(c["name"] == "leap_reporter_session" for c in context.cookies())
    finally:
        context.close()
