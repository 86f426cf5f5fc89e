"""Sign-in through the uploader: /signin redirects there; /signin/callback checks the assertion and spends its nonce."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from leap_contracts import identity
from leap_reporter.app import create_app
from leap_reporter.api.auth import COOKIE
from leap_reporter.settings import Settings

PRIVATE, PUBLIC = identity.new_key_pair()
SIGNING = identity.load_private_key(PRIVATE)
SIGN_IN_URL = "https://uploader.example/sso/reporter"


@pytest.fixture
async def client(db, database_url):
    app = create_app(Settings(database_url=database_url, identity_public_key=PUBLIC, sign_in_url=SIGN_IN_URL,
                              analyst_token="script-token"))
    app.state.pool = db
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://reporter") as c:
        yield c


def _assertion(role="analyst", **overrides):
    return identity.issue(SIGNING, **{"user_id": 3, "username": "ana.lyst", "role": role, "audience": "reporter",
                                      **overrides})


async def callback(client, assertion, **params):
    """Start at /signin as a browser does (it sets the state cookie), then come back with ``assertion``."""
    signin = await client.get("/signin")
    return_to = parse_qs(urlsplit(signin.headers["location"]).query)["return_to"][0]
    state = parse_qs(urlsplit(return_to).query)["state"][0]
    return await client.get("/signin/callback", params={"assertion": assertion, "state": state, **params})


async def test_pages_send_people_to_the_uploader(client):
    page = await client.get("/quality")
    assert page.status_code == 303 and page.headers["location"] == "/signin?next=%2Fquality"
    signin = await client.get(page.headers["location"])
    target = urlsplit(signin.headers["location"])
    assert signin.status_code == 303 and f"{target.scheme}://{target.netloc}{target.path}" == SIGN_IN_URL
    [return_to] = parse_qs(target.query)["return_to"]
    assert return_to.startswith("https://reporter/signin/callback?next=%2Fquality&state=")
    assert "leap_reporter_signin_state" in signin.headers["set-cookie"]


async def test_a_callback_not_started_in_this_browser_is_refused(client):
    await client.get("/signin")
    response = await client.get("/signin/callback", params={"assertion": _assertion(), "state": "someone-elses"})
    assert response.status_code == 401 and "not started from this browser" in response.text
    assert COOKIE not in client.cookies


async def test_a_valid_assertion_signs_in_for_eight_hours(client):
    response = await callback(client, _assertion("admin"), next="/quality")
    assert response.status_code == 303 and response.headers["location"] == "/quality"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie and "max-age=28800" in cookie
    assert (await client.get("/api/v1/reach")).status_code == 200
    assert (await client.get("/api/v1/reach", params={"suppression": "off"})).status_code == 200  # an admin
    form = await client.get("/signout")
    csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    out = await client.post("/signout", data={"csrf_token": csrf})
    assert out.status_code == 200 and "signed out" in out.text and COOKIE not in client.cookies
    assert (await client.get("/api/v1/reach")).status_code == 401


async def test_an_assertion_signs_in_only_once(client):
    assertion = _assertion()
    assert (await callback(client, assertion)).status_code == 303
    client.cookies.clear()
    again = await callback(client, assertion)
    assert again.status_code == 401 and "already used" in again.text and COOKIE not in client.cookies


@pytest.mark.parametrize("make, reason", [  # made when the test runs: an assertion lives 60 s
    (lambda: _assertion(now=0), "expired"), (lambda: _assertion(audience="matcher"), "another service"),
    (lambda: _assertion()[:-4] + "AAAA", "signature"), (lambda: "", "malformed"),
    (lambda: _assertion(role="provider"), "analysts and admins"),
    (lambda: identity.issue(identity.load_private_key(identity.new_key_pair()[0]), user_id=1, username="x",
                            role="admin", audience="reporter"), "signature")])
async def test_bad_assertions_are_refused(client, make, reason):
    response = await callback(client, make())
    assert response.status_code == 401 and reason in response.text and COOKIE not in client.cookies


async def test_next_stays_on_the_dashboard(client):
    response = await callback(client, _assertion(), next="//evil.example/")
    assert response.headers["location"] == "/"


async def test_the_token_form_is_off_but_script_tokens_still_work(client):
    assert (await client.post("/signin", data={"token": "script-token"})).status_code == 404
    bearer = {"Authorization": "Bearer script-token"}
    assert (await client.get("/api/v1/reach", headers=bearer)).status_code == 200
