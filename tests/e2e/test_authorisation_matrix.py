"""Who may call what: every route of the four services (their OpenAPI documents and every page) called by
anonymous, provider A, provider B, a provider's user, an analyst and an admin, each answer compared with
the expected status. A route without an entry in ``EXPECTED`` fails the test, so a new route says who may
use it before it ships. Requests carry no body and no CSRF token: what is checked is who gets past the
door (401/403/303 to sign-in), not what a well-formed request does (the services' own tests do).

Credentials: providers use their API tokens everywhere; people their uploader session (the pages) and, at
the reporter and the matcher, the analyst's or admin's bearer token (the sign-in through the uploader is
tested in each service's own tests). Also here: no metric label carries a value from the data.
"""

from __future__ import annotations

import base64
import os
import re
import uuid
from http.cookies import SimpleCookie

import httpx
import pyotp
import pytest

from leap_contracts import topics
from leap_tools.localenv import create_provider, run_module

ROLES = ("anonymous", "provider_a", "provider_b", "provider_user", "analyst", "admin")
PASSWORD = "matrix password, long enough"
ALL_200 = dict.fromkeys(ROLES, 200)


def each(anonymous, provider_a, provider_b, provider_user, analyst, admin) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, provider_a, provider_b, provider_user, analyst, admin), strict=True))


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


PEOPLE_ONLY = each(401, 401, 401, 401, 200, 200)  # reporter API: analysts and admins
EXPECTED: dict[tuple[str, str, str], dict[str, int]] = {
    # --- everywhere: documentation, and the operations endpoints (internal-only in production:
    # MATCHER_INTERNAL_PORT etc., or refused through a proxy; the test calls them directly)
    **{(s, "GET", p): ALL_200 for s in ("uploader", "pseudonymiser", "matcher", "reporter")
       for p in ("/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/health/live", "/health/ready",
                 "/metrics")},
    # --- uploader: the provider API (a provider sees only its own uploads) ...
    ("uploader", "POST", "/api/v1/uploads"): each(401, 400, 400, 401, 401, 401),  # 400: no file sent
    ("uploader", "GET", "/api/v1/uploads/{upload_id}"): each(401, 200, 404, 401, 401, 401),
    # ... and the pages (sessions; a bearer token is not a session)
    ("uploader", "GET", "/"): everyone(303),
    ("uploader", "GET", "/sign-in"): ALL_200,
    ("uploader", "POST", "/sign-in"): everyone(422),  # no form: nothing to check
    ("uploader", "GET", "/sign-in/code"): everyone(303),
    ("uploader", "POST", "/sign-in/code"): each(303, 303, 303, 422, 422, 422),
    ("uploader", "POST", "/sign-out"): each(303, 303, 303, 422, 422, 422),
    ("uploader", "GET", "/sso/reporter"): everyone(400),  # no return_to: refused before anything else
    ("uploader", "GET", "/sso/matcher"): everyone(400),
    ("uploader", "GET", "/uploads"): each(303, 303, 303, 200, 200, 200),
    ("uploader", "GET", "/uploads/status.json"): each(303, 303, 303, 200, 200, 200),
    ("uploader", "POST", "/uploads/new"): each(303, 303, 303, 400, 403, 403),  # provider users only
    # validation reports: the provider's own users with the offending values, analysts and admins without
    # any value (leap_uploader.service.reports); another provider's users get 404
    ("uploader", "GET", "/uploads/{upload_id}"): each(303, 303, 303, 200, 200, 200),
    ("uploader", "GET", "/uploads/{upload_id}/report.csv"): each(303, 303, 303, 200, 200, 200),
    ("uploader", "GET", "/uploads/{upload_id}/report.xlsx"): each(303, 303, 303, 200, 200, 200),
    ("uploader", "GET", "/admin"): each(303, 303, 303, 403, 403, 200),
    **{("uploader", "POST", p): each(303, 303, 303, 403, 403, 422)
       for p in ("/admin/providers", "/admin/providers/remove-service", "/admin/tokens", "/admin/tokens/revoke",
                 "/admin/users", "/admin/users/change", "/admin/sessions/end-all", "/admin/mappings",
                 "/admin/outcomes/allow", "/admin/outcomes/disallow")},
    ("uploader", "GET", "/admin/mappings/edit"): each(303, 303, 303, 403, 403, 422),
    ("uploader", "POST", "/admin/mappings/dry-run"): each(303, 303, 303, 403, 403, 400),
    ("uploader", "GET", "/static"): everyone(307),  # a folder (to /static/): only its files are served
    # --- pseudonymiser: the key's public check value, for providers pseudonymising at source
    ("pseudonymiser", "GET", "/key-check"): ALL_200,
    # --- matcher: person-level explanations, analysts and admins only (the reference asked for does not exist)
    ("matcher", "GET", "/api/v1/individuals/{ref}/explanation"): each(401, 401, 401, 401, 404, 404),
    # ... and tolerant linkage (issue 18): the review queue, quality, an individual's fuzzy links; answers need a
    # body (so 422 here) and are the admins' (an analyst's answer is refused inside, audited)
    ("matcher", "GET", "/api/v1/tolerant/review"): PEOPLE_ONLY,
    ("matcher", "POST", "/api/v1/tolerant/review/{review_id}"): each(401, 401, 401, 401, 422, 422),
    ("matcher", "GET", "/api/v1/tolerant/quality"): PEOPLE_ONLY,
    ("matcher", "GET", "/api/v1/individuals/{ref}/tolerant-links"): each(401, 401, 401, 401, 404, 404),
    # the review queue's page: people signed in here (a bearer token reads it); answers need the page's session
    ("matcher", "GET", "/tolerant/review"): each(303, 303, 303, 303, 200, 200),
    ("matcher", "POST", "/tolerant/review/{review_id}"): everyone(403),
    ("matcher", "GET", "/signin"): everyone(303),
    ("matcher", "GET", "/signin/callback"): everyone(401),
    ("matcher", "GET", "/signout"): ALL_200,
    ("matcher", "POST", "/signout"): everyone(403),
    # --- reporter: figures for analysts and admins
    ("reporter", "GET", "/api/v1/reach"): PEOPLE_ONLY,
    ("reporter", "GET", "/api/v1/figures"): ALL_200,  # the catalogue of figure names: no figure in it
    ("reporter", "GET", "/api/v1/figures/{name}"): PEOPLE_ONLY,
    **{("reporter", "GET", p): each(303, 303, 303, 303, 200, 200)
       for p in ("/", "/engagement", "/quality", "/quality/{upload}", "/programme")},
    # the Theory of Change (configured as data): read by analysts and admins, replaced by admins (no body: 422)
    ("reporter", "GET", "/api/v1/theory-of-change"): PEOPLE_ONLY,
    ("reporter", "PUT", "/api/v1/theory-of-change"): each(401, 401, 401, 401, 403, 422),
    ("reporter", "POST", "/programme/theory-of-change"): everyone(403),  # admins signed in, with the form's token
    # published returns (issue 17): analysts and admins publish (no body: 422) and read (no such return: 404);
    # the page's form needs a dashboard session and its CSRF token
    ("reporter", "POST", "/api/v1/publications"): each(401, 401, 401, 401, 422, 422),
    ("reporter", "GET", "/api/v1/publications"): PEOPLE_ONLY,
    **{("reporter", "GET", p): each(401, 401, 401, 401, 404, 404)
       for p in ("/api/v1/publications/{publication_id}", "/api/v1/publications/{publication_id}/return.csv",
                 "/api/v1/publications/{publication_id}/return.xlsx",
                 "/api/v1/publications/{publication_id}/as-published",
                 "/api/v1/publications/{publication_id}/revisions")},
    ("reporter", "GET", "/publications"): each(303, 303, 303, 303, 200, 200),
    ("reporter", "GET", "/publications/{publication_id}/revisions"): each(303, 303, 303, 303, 404, 404),
    ("reporter", "POST", "/publications"): everyone(403),
    # the linkage published reach uses (issue 18): read by analysts and admins, chosen by admins (no body: 422);
    # the reach page's form needs a dashboard session and its CSRF token
    ("reporter", "GET", "/api/v1/linkage/policy"): PEOPLE_ONLY,
    ("reporter", "PUT", "/api/v1/linkage/policy"): each(401, 401, 401, 401, 422, 422),
    ("reporter", "POST", "/linkage/policy"): everyone(403),
    ("reporter", "GET", "/signin"): everyone(303),
    ("reporter", "GET", "/signin/callback"): everyone(401),
    ("reporter", "POST", "/signin"): everyone(422),  # no token sent (the form is off with single sign-on: 404)
    ("reporter", "GET", "/signout"): ALL_200,
    ("reporter", "POST", "/signout"): everyone(403),
    ("reporter", "POST", "/sessions/end-all"): everyone(403),
}


def _routes(app) -> set[tuple[str, str]]:
    """Every (method, path) an app answers, pages included (a FastAPI app's routes, walked)."""
    found = set()

    def walk(routes, prefix=""):
        for route in routes:
            if hasattr(route, "methods") and hasattr(route, "path"):
                found.update((m, prefix + route.path) for m in route.methods - {"HEAD"})
            elif hasattr(route, "path"):
                found.add(("GET", prefix + route.path))  # a mount
            else:
                inner = getattr(route, "original_router", None) or route.router
                walk(inner.routes, prefix + getattr(route, "prefix", ""))

    walk(app.routes)
    return found


def all_routes() -> dict[str, set[tuple[str, str]]]:
    from leap_matcher.app import create_app as matcher
    from leap_matcher.settings import Settings as MatcherSettings
    from leap_pseudonymiser.app import create_app as pseudonymiser
    from leap_pseudonymiser.settings import Settings as PseudonymiserSettings
    from leap_reporter.app import create_app as reporter
    from leap_reporter.settings import Settings as ReporterSettings
    from leap_uploader.app import create_app as uploader
    from leap_uploader.settings import Settings as UploaderSettings

    db = "postgresql://nobody@nowhere/none"  # never connected: the apps are only built, not started
    return {"uploader": _routes(uploader(UploaderSettings(database_url=db, storage_key=base64.b64encode(
                os.urandom(32)).decode()))),
            "pseudonymiser": _routes(pseudonymiser(PseudonymiserSettings(database_url=db, key="ab" * 32,
                                                                         key_id="k"))),
            "matcher": _routes(matcher(MatcherSettings(database_url=db))),
            "reporter": _routes(reporter(ReporterSettings(database_url=db)))}


def test_every_route_has_an_entry():
    routes = all_routes()
    missing = sorted(f"{s} {m} {p}" for s, found in routes.items() for m, p in found if (s, m, p) not in EXPECTED)
    gone = sorted(f"{s} {m} {p}" for s, m, p in EXPECTED if (m, p) not in routes[s])
    assert missing == [], "routes without an entry in EXPECTED (say who may call them)"
    assert gone == [], "entries of EXPECTED for routes that no longer exist"


def _cookies(response: httpx.Response, jar: dict[str, str]) -> None:
    for header in response.headers.get_list("set-cookie"):
        for name, morsel in SimpleCookie(header).items():
            if morsel["max-age"] == "0" or morsel.value in ("", '""'):
                jar.pop(name, None)
            else:
                jar[name] = morsel.value


def _cookie_header(jar: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}


def sign_in(base: str, username: str) -> dict[str, str]:
    """A full two-factor session at the uploader (enrolling the authenticator): its cookies."""
    jar: dict[str, str] = {}
    with httpx.Client(base_url=base) as http:
        page = http.get("/sign-in")
        _cookies(page, jar)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        done = http.post("/sign-in", headers=_cookie_header(jar),
                         data={"username": username, "password": PASSWORD, "csrf_token": token})
        _cookies(done, jar)
        code_page = http.get("/sign-in/code", headers=_cookie_header(jar))
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', code_page.text).group(1)
        token = re.search(r'name="csrf_token" value="([^"]+)"', code_page.text).group(1)
        done = http.post("/sign-in/code", headers=_cookie_header(jar),
                         data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
        assert done.status_code == 303, done.text
        _cookies(done, jar)
    return {k: v for k, v in jar.items() if k == "leap_session"}


@pytest.fixture(scope="module")
def callers(platform) -> dict[str, dict[str, dict[str, str]]]:
    """role -> service -> headers."""
    env = platform.env
    token_a = create_provider(env, "matrix-a", "Provider A", ["CAN"])
    token_b = create_provider(env, "matrix-b", "Provider B", ["CAN"])
    for username, role, provider in (("matrix.officer", "provider", "matrix-a"), ("matrix.analyst", "analyst", None),
                                     ("matrix.admin", "admin", None)):
        args = ["create-user", "--username", username, "--role", role] + (["--provider", provider] if provider else [])
        run_module("leap_uploader.admin", *args, env={**env, "UPLOADER_NEW_USER_PASSWORD": PASSWORD})
    people = {role: _cookie_header(sign_in(platform.url("uploader"), username))
              for role, username in (("provider_user", "matrix.officer"), ("analyst", "matrix.analyst"),
                                     ("admin", "matrix.admin"))}
    services = ("uploader", "pseudonymiser", "matcher", "reporter")
    bearer = {"provider_a": {"Authorization": f"Bearer {token_a}"}, "provider_b": {"Authorization": f"Bearer {token_b}"}}
    out = {"anonymous": dict.fromkeys(services, {})}
    out.update({role: dict.fromkeys(services, headers) for role, headers in bearer.items()})
    out["provider_user"] = dict.fromkeys(services, people["provider_user"])
    for role in ("analyst", "admin"):
        out[role] = {"uploader": people[role], "pseudonymiser": people[role],
                     "matcher": {"Authorization": f"Bearer {env[f'MATCHER_{role.upper()}_TOKEN']}"},
                     "reporter": {"Authorization": f"Bearer {env[f'REPORTER_{role.upper()}_TOKEN']}"}}
    return out


@pytest.fixture(scope="module")
def upload_of_a(platform, callers) -> str:
    csv = "provider_record_id,service_code,engagement_date\nr1,CAN,2025-01-01\n"
    response = httpx.post(f"{platform.url('uploader')}/api/v1/uploads", headers=callers["provider_a"]["uploader"],
                          data={"service": "CAN"}, files={"file": ("a.csv", csv.encode(), "text/csv")}, timeout=30)
    assert response.status_code in (201, 202), response.text
    return response.json()["upload_id"]


def test_each_caller_gets_the_expected_answer_from_every_route(platform, callers, upload_of_a):
    values = {"upload_id": upload_of_a, "upload": upload_of_a, "name": "reach-by-service",
              "ref": "IND-9999999999", "publication_id": str(uuid.UUID(int=0)), "review_id": "1"}
    wrong = []
    for (service, method, path), expected in sorted(EXPECTED.items()):
        url = platform.url(service) + re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
        for role in ROLES:
            response = httpx.request(method, url, headers=callers[role][service], follow_redirects=False,
                                     timeout=30)
            if response.status_code != expected[role]:
                wrong.append(f"{service} {method} {path} as {role}: {response.status_code}, expected {expected[role]}")
    assert not wrong, "\n".join(wrong)


def test_no_metric_label_carries_a_value_from_the_data(platform, upload_of_a):
    """Label values come from closed sets (topic names, outcomes, the histogram's buckets), never from a
    request or a record: a reference, a ward or a name in a label would be published to monitoring."""
    topic_names = {t.name for t in topics.ALL} | {t.full_name(platform.prefix) for t in topics.ALL}
    allowed = {"topic": topic_names,
               "outcome": {"created", "repeated", *(f"refused_{code}" for code in (400, 403, 404, 413, 422))}}
    numeric = re.compile(r"^(\+Inf|-?[0-9.e+-]+)$")
    httpx.get(f"{platform.url('reporter')}/api/v1/reach", params={"ward": "E05000001-secret"},
              headers={"Authorization": f"Bearer {platform.env['REPORTER_ANALYST_TOKEN']}"}, timeout=30)
    httpx.get(f"{platform.url('matcher')}/api/v1/individuals/IND-0000000042/explanation", timeout=30)
    found = []
    for service in ("uploader", "pseudonymiser", "matcher", "reporter"):
        text = httpx.get(f"{platform.url(service)}/metrics", timeout=30).text
        for labels in re.findall(r"^\w+\{([^}]*)\}", text, re.MULTILINE):
            for name, value in re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', labels):
                if name in ("le", "quantile"):
                    ok = bool(numeric.match(value))
                elif name in ("implementation", "major", "minor", "patchlevel", "version"):
                    ok = re.fullmatch(r"[A-Za-z0-9.]+", value) is not None  # python_info
                else:
                    ok = value in allowed.get(name, ())
                if not ok:
                    found.append(f"{service}: {name}={value}")
    assert found == []
    assert uuid.UUID(upload_of_a)
