"""Accounts in the pages: Argon2id passwords, TOTP enrolment and replay refusal, lockout, rate limit,
CSRF, sign-out, and the audit log."""

from __future__ import annotations

import pyotp
import pytest

from uploader_web_helpers import PASSWORD, Browser, csrf, make_user

pytestmark = pytest.mark.integration


@pytest.fixture
async def browser(app, pool):
    b = Browser(app)
    yield b
    await b.close()


async def test_enrol_sign_in_and_sign_out(app, pool, browser):
    await make_user(pool, "admin.one", "admin")
    stored = await pool.fetchval("SELECT password_hash FROM users WHERE username = 'admin.one'")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    page = await browser.password_step("admin.one")
    assert "Set up your authenticator app" in page.text and "<svg" in page.text  # QR inline, no external image
    assert "leap_session" in browser.http.cookies
    cookie = next(c for c in browser.http.cookies.jar if c.name == "leap_session")
    assert cookie.secure and cookie.has_nonstandard_attr("HttpOnly")
    # the pages need both factors
    assert (await browser.http.get("/admin")).url.path == "/sign-in/code"
    signed = await browser.sign_in("admin.one")
    assert signed.status_code == 200 and signed.url.path == "/admin"
    page = await browser.http.get("/admin")
    assert "Providers and their services" in page.text
    out = await browser.http.post("/sign-out", data={"csrf_token": csrf(page.text)})
    assert out.url.path == "/sign-in"
    assert (await browser.http.get("/admin")).url.path == "/sign-in"
    actions = [r["action"] for r in await pool.fetch("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-4:] == ["sign_in.password_ok", "totp.enrolled", "sign_in.succeeded", "sign_out"]


async def test_a_replayed_code_is_refused(app, pool, browser):
    await make_user(pool, "analyst.one", "analyst")
    await browser.sign_in("analyst.one")
    used = pyotp.TOTP(browser.secret).now()
    await browser.http.post("/sign-out", data={"csrf_token": await browser.token()})
    page = await browser.password_step("analyst.one")
    assert "Enter your code" in page.text
    again = await browser.http.post("/sign-in/code", data={"code": used, "csrf_token": csrf(page.text)})
    assert again.status_code == 401 and "already used" in again.text
    later = pyotp.TOTP(browser.secret).at(__import__("time").time() + 30)
    ok = await browser.http.post("/sign-in/code", data={"code": later, "csrf_token": csrf(again.text)})
    assert ok.status_code == 200 and ok.url.path == "/uploads"


async def test_failures_are_rate_limited_per_address(app, pool, services):
    b = Browser(app, address="10.9.9.9")
    try:
        limit = services.settings.sign_in_address_limit
        for i in range(limit):
            await b.password_step(f"nobody{i}", "wrong password!!")
        assert (await b.password_step("nobody", "wrong password!!")).status_code == 429
    finally:
        await b.close()
    other = Browser(app, address="10.9.9.10")
    try:
        assert (await other.password_step("nobody", "wrong password!!")).status_code == 401
    finally:
        await other.close()


async def test_forms_without_the_csrf_token_are_refused(app, pool, browser):
    await make_user(pool, "admin.two", "admin")
    await browser.sign_in("admin.two")
    refused = await browser.http.post("/admin/users", data={"csrf_token": "forged", "username": "x.y.z",
                                                            "role": "admin", "password": PASSWORD})
    assert refused.status_code == 403
    page = await browser.http.post("/sign-in", data={"username": "admin.two", "password": PASSWORD,
                                                     "csrf_token": "forged"})
    assert page.status_code == 403
    assert await pool.fetchval("SELECT count(*) FROM users") == 1


async def test_admin_cli_creates_the_first_admin(database_url, pool, monkeypatch):
    from leap_uploader import admin
    monkeypatch.setenv("UPLOADER_DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOADER_NEW_USER_PASSWORD", PASSWORD)
    assert await __import__("asyncio").to_thread(admin.main, ["create-user", "--username", "first.admin",
                                                              "--role", "admin"]) == 0
    row = await pool.fetchrow("SELECT role, totp_secret FROM users WHERE username = 'first.admin'")
    assert row["role"] == "admin" and row["totp_secret"] is None
