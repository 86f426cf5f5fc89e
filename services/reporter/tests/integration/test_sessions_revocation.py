"""Dashboard sessions are server-side: sign-out (a POST with the session's CSRF token), an admin's "end all
sessions" and the uploader's SessionsEndedV1 end them at once, a copied cookie included; the cookie is Secure
behind a TLS proxy; bad bytes in a filter are a 400, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from leap_contracts import identity
from leap_contracts.envelope import encode, seal
from leap_contracts.sessions.revocation import SessionsEndedV1, handler, receive
from leap_reporter.app import create_app
from leap_reporter.api.auth import COOKIE
from leap_reporter.settings import Settings

PRIVATE, PUBLIC = identity.new_key_pair()
SIGNING = identity.load_private_key(PRIVATE)


def _app(database_url, db, **settings):
    app = create_app(Settings(database_url=database_url, identity_public_key=PUBLIC,
                              sign_in_url="https://uploader.example/sso/reporter", **settings))
    app.state.pool = db
    return app


@pytest.fixture
async def app(db, database_url):
    await db.execute("DELETE FROM people_session")
    return _app(database_url, db)


def _client(app, base_url="https://reporter", client=("203.0.113.9", 4000)) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=client), base_url=base_url)


async def sign_in(client: httpx.AsyncClient, role="analyst", user_id=3, username="ana.lyst") -> str:
    signin = await client.get("/signin")
    return_to = parse_qs(urlsplit(signin.headers["location"]).query)["return_to"][0]
    state = parse_qs(urlsplit(return_to).query)["state"][0]
    assertion = identity.issue(SIGNING, user_id=user_id, username=username, role=role, audience="reporter")
    response = await client.get("/signin/callback", params={"assertion": assertion, "state": state})
    assert response.status_code == 303
    return client.cookies[COOKIE]


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"')[0]


async def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(app):
    async with _client(app) as browser, _client(app) as thief:
        cookie = await sign_in(browser)
        thief.cookies.set(COOKIE, cookie)
        assert (await thief.get("/api/v1/reach")).status_code == 200
        page = await browser.get("/engagement")
        assert 'action="/signout"' in page.text and 'href="/signout"' not in page.text
        out = await browser.post("/signout", data={"csrf_token": _csrf(page.text)})
        assert out.status_code == 200
        assert (await thief.get("/api/v1/reach")).status_code == 401
        assert (await thief.get("/engagement")).status_code == 303


async def test_signing_out_needs_a_post_with_the_csrf_token(app):
    async with _client(app) as browser:
        await sign_in(browser)
        assert (await browser.post("/signout", data={"csrf_token": "forged"})).status_code == 403
        assert (await browser.post("/signout")).status_code == 403  # another site's form has no token
        get = await browser.get("/signout")
        assert get.status_code == 200 and 'method="post"' in get.text
        assert (await browser.get("/api/v1/reach")).status_code == 200  # still signed in


async def test_an_admin_ends_every_session_an_analyst_cannot(app):
    async with _client(app) as admin, _client(app) as analyst:
        await sign_in(admin, "admin", 1, "ad.min")
        await sign_in(analyst)
        analyst_page = await analyst.get("/engagement")
        assert "end-all" not in analyst_page.text
        refused = await analyst.post("/sessions/end-all", data={"csrf_token": _csrf(analyst_page.text)})
        assert refused.status_code == 403
        page = await admin.get("/engagement")
        assert 'action="/sessions/end-all"' in page.text
        ended = await admin.post("/sessions/end-all", data={"csrf_token": _csrf(page.text)})
        assert ended.status_code == 200 and "Every dashboard session ended (2)" in ended.text
        assert (await analyst.get("/api/v1/reach")).status_code == 401
        assert (await admin.get("/api/v1/reach")).status_code == 401


@pytest.mark.parametrize("user_id, ended", [("3", ["ana.lyst"]), (None, ["ana.lyst", "ad.min"])])
async def test_sessions_the_uploader_ends_end_here(app, db, user_id, ended):
    async with _client(app) as analyst, _client(app) as admin:
        await sign_in(analyst, "analyst", 3, "ana.lyst")
        await sign_in(admin, "admin", 1, "ad.min")
        event = SessionsEndedV1(user_id=user_id, reason="disabled" if user_id else "all_ended_by_admin",
                                ended_at=datetime.now(UTC))
        envelope = receive(encode(seal(event, producer="uploader", correlation_id="t")))
        await handler(db)(envelope)
        await handler(db)(envelope)  # a redelivery changes nothing
        statuses = {"ana.lyst": (await analyst.get("/api/v1/reach")).status_code,
                    "ad.min": (await admin.get("/api/v1/reach")).status_code}
        assert {name for name, status in statuses.items() if status == 401} == set(ended)


def test_the_receiver_refuses_another_event_type():
    from leap_contracts.events import UploadValidatedV1  # noqa: F401  any other event
    raw = encode(seal(SessionsEndedV1(user_id="1", reason="disabled", ended_at=datetime.now(UTC)),
                      producer="uploader", correlation_id="t")).replace(b"SessionsEndedV1", b"SomethingElseV1")
    with pytest.raises(ValueError):
        receive(raw)


async def test_the_cookie_is_secure_behind_a_tls_proxy(db, database_url):
    app = _app(database_url, db, forwarded_allow_ips="10.0.0.2")
    async with _client(app, base_url="http://reporter", client=("10.0.0.2", 5000)) as proxied:
        signin = await proxied.get("/signin", headers={"X-Forwarded-Proto": "https"})
        assert "secure" in signin.headers["set-cookie"].lower()
        assert "https://reporter/signin/callback" in signin.headers["location"].replace("%3A", ":").replace("%2F", "/")
    async with _client(app, base_url="http://reporter", client=("198.51.100.7", 5000)) as direct:  # not the proxy
        signin = await direct.get("/signin", headers={"X-Forwarded-Proto": "https"})
        assert "secure" not in signin.headers["set-cookie"].lower()
    always = _app(database_url, db, cookie_secure=True)
    async with _client(always, base_url="http://reporter") as plain:
        assert "secure" in (await plain.get("/signin")).headers["set-cookie"].lower()


@pytest.mark.parametrize("path", ["/api/v1/reach?ward=%00", "/api/v1/reach?ethnicity=%00",
                                  "/api/v1/figures/reach-by-ward?ward=%00", "/?ward=%00", "/?ward=%ff%fe",
                                  "/api/v1/reach?ward=a%1bb", "/quality/%00"])
async def test_bad_bytes_are_a_clear_400(app, path):
    async with _client(app) as browser:
        await sign_in(browser)
        response = await browser.get(path)
        assert response.status_code == 400, response.text
        assert "NUL" in response.json()["detail"] or "UTF-8" in response.json()["detail"] \
            or "control" in response.json()["detail"]


async def test_metrics_are_refused_through_a_proxy(app):
    async with _client(app, client=("127.0.0.1", 3000)) as client:
        assert (await client.get("/metrics")).status_code == 200
        assert (await client.get("/metrics", headers={"X-Forwarded-For": "198.51.100.7"})).status_code == 404
        assert (await client.get("/health/live", headers={"Forwarded": "for=198.51.100.7"})).status_code == 404


async def test_with_an_internal_port_operations_answer_only_there(db, database_url):
    app = _app(database_url, db, internal_port=9104, http_port=8004)

    def on(port):
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://127.0.0.1:{port}")

    async with on(8004) as public, on(9104) as internal:
        assert (await public.get("/metrics")).status_code == 404
        assert (await internal.get("/metrics")).status_code == 200
        assert (await internal.get("/api/v1/reach")).status_code == 404
        assert (await public.get("/signin")).status_code == 303


async def test_a_session_id_is_never_the_same_twice(app):
    async with _client(app) as one, _client(app) as two:
        assert await sign_in(one) != await sign_in(two)
