"""``/sso/reporter``: only a two-factor session of an analyst or admin gets a signed assertion, sent only back to
the configured reporter."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from leap_contracts import identity
from uploader_web_helpers import PASSWORD, Browser, csrf, make_user

pytestmark = pytest.mark.integration
RETURN_TO = "https://reporter.example/dash/signin/callback?next=%2Fquality"
SSO = "/sso/reporter"


@pytest.fixture
async def browser(app, pool):
    b = Browser(app)
    yield b
    await b.close()


async def _sso(browser: Browser, return_to: str = RETURN_TO):
    return await browser.http.get(SSO, params={"return_to": return_to}, follow_redirects=False)


def _assertion(location: str) -> str:
    target = urlsplit(location)
    assert location.startswith("https://reporter.example/dash/signin/callback?")
    query = parse_qs(target.query)
    assert query["next"] == ["/quality"]
    return query["assertion"][0]


async def test_without_a_session_it_asks_to_sign_in_and_comes_back(app, pool, browser, identity_public_key):
    await make_user(pool, "ana.lyst", "analyst")
    first = await _sso(browser)
    assert first.status_code == 303 and first.headers["location"].startswith("/sign-in?next=%2Fsso%2Freporter")
    page = await browser.http.get(first.headers["location"])
    assert 'name="next" value="/sso/reporter?return_to=' in page.text
    password = await browser.http.post("/sign-in", follow_redirects=False, data={
        "username": "ana.lyst", "password": PASSWORD, "csrf_token": csrf(page.text),
        "next": f"{SSO}?return_to={RETURN_TO}"})
    assert password.headers["location"].startswith("/sign-in/code?next=")
    code_page = await browser.http.get(password.headers["location"])
    secret = code_page.text.split('id="totp-secret">')[1].split("<")[0]
    done = await browser.http.post("/sign-in/code", follow_redirects=False, data={
        "code": pyotp.TOTP(secret).now(), "csrf_token": csrf(code_page.text),
        "next": f"{SSO}?return_to={RETURN_TO}"})
    assert done.status_code == 303 and done.headers["location"] == f"{SSO}?return_to={RETURN_TO}"
    back = await browser.http.get(done.headers["location"], follow_redirects=False)
    claims = identity.verify(identity_public_key, _assertion(back.headers["location"]), audience="reporter")
    assert (claims.username, claims.role, claims.aud) == ("ana.lyst", "analyst", "reporter")
    assert claims.exp - claims.iat == 60


async def test_a_password_only_session_is_refused(app, pool, browser):
    await make_user(pool, "half.way", "analyst")
    await browser.password_step("half.way")
    response = await _sso(browser)
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in/code?next=")
    assert "assertion" not in response.headers["location"]


async def test_a_provider_is_refused_with_a_clear_page(app, pool, browser, make_provider):
    await make_provider("prov-sso", "CAN")
    await make_user(pool, "officer.sso", "provider", "prov-sso")
    await browser.sign_in("officer.sso")
    response = await _sso(browser)
    assert response.status_code == 403 and "for analysts and admins" in response.text
    assert "location" not in response.headers
    actions = [r["action"] for r in await pool.fetch("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-1] == "sso.reporter_refused"


@pytest.mark.parametrize("return_to", [
    "", "https://evil.example/dash/signin/callback", "http://reporter.example/dash/signin/callback",
    "https://reporter.example/other", "https://reporter.example/dashboard", "//reporter.example/dash/x",
    "https://reporter.example@evil.example/dash/x", "https://reporter.example:444/dash/x",
    "https://reporter.example/dash/x\\@evil.example", "/dash/signin/callback",
    "https://reporter.example/dash/../other-app/x", "https://reporter.example/dash/%2e%2e/other-app/x",
    # only the callback: the one-time assertion never lands in the address of any other page
    "https://reporter.example/dash/", "https://reporter.example/dash/quality?upload=1",
    "https://reporter.example/dash/signin", "https://reporter.example/dash/signin/callback/x",
    "https://reporter.example/dash/signin/%63allback", "https://reporter.example/dash/signin/callback#x"])
async def test_a_return_address_off_the_reporter_is_refused(app, pool, browser, return_to):
    await make_user(pool, "ana.two", "analyst")
    await browser.sign_in("ana.two")
    response = await _sso(browser, return_to)
    assert response.status_code == 400
    assert "return_to must be https://reporter.example/dash/signin/callback" in response.text


async def test_an_analyst_goes_back_with_a_signed_assertion(app, pool, browser, identity_public_key):
    user_id = await make_user(pool, "admin.sso", "admin")
    await browser.sign_in("admin.sso")
    response = await _sso(browser)
    assert response.status_code == 303
    claims = identity.verify(identity_public_key, _assertion(response.headers["location"]), audience="reporter")
    assert (claims.sub, claims.role) == (str(user_id), "admin")
    again = identity.verify(identity_public_key, _assertion((await _sso(browser)).headers["location"]),
                            audience="reporter")
    assert again.nonce != claims.nonce
    row = await pool.fetchrow("SELECT actor, action, detail FROM audit_log ORDER BY id DESC LIMIT 1")
    assert (row["actor"], row["action"]) == ("user:admin.sso", "sso.reporter")


async def test_the_sign_in_form_may_end_on_the_reporter(app, pool, browser):
    policy = (await browser.http.get("/sign-in")).headers["content-security-policy"]
    assert policy.endswith("form-action 'self' https://reporter.example")


@pytest.mark.parametrize("next", ["//evil.example/x", "https://evil.example", "/\\evil.example", "/\t/evil.example"])
async def test_next_never_leaves_the_site(app, pool, browser, next):
    await make_user(pool, "ana.three", "analyst")
    page = await browser.password_step("ana.three")
    done = await browser.http.post("/sign-in/code", follow_redirects=False, data={
        "code": pyotp.TOTP(page.text.split('id="totp-secret">')[1].split("<")[0]).now(),
        "csrf_token": csrf(page.text), "next": next})
    if "\t" in next:  # a control character in a form field is refused outright (leap_contracts.http.bad_bytes)
        assert done.status_code == 400 and "tab" in done.json()["detail"]
        return
    assert done.status_code == 303 and done.headers["location"] == "/"
