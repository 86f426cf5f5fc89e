"""Schemathesis against every running service's OpenAPI (the uploader's has its own test beside this one):
generated requests, with valid credentials and forged ones, never cause a server error (bounded: at most
15 examples per operation). Then every parameter of every operation of all four services (query, path,
header) and the uploader's form fields get NUL, other control characters and bytes that are not UTF-8:
each is a clear 4xx (most often the edge's 400 naming where the byte was), never a 5xx."""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from leap_tools.localenv import create_provider

SERVICES = ("uploader", "pseudonymiser", "matcher", "reporter")
BAD_VALUES = ("%00", "a%00b", "%1b%5b2J", "%7f", "%0a", "%ff%fe", "%c3%28", "%ed%a0%80")
"""Percent-encoded as they travel: NUL, ESC, DEL, line feed, and three invalid UTF-8 sequences."""


def _credentials(platform, service: str, provider_token: str) -> dict[str, str]:
    token = {"uploader": provider_token, "pseudonymiser": "",
             "matcher": platform.env["MATCHER_ADMIN_TOKEN"], "reporter": platform.env["REPORTER_ADMIN_TOKEN"]}[service]
    return {"Authorization": f"Bearer {token}"} if token else {}


@pytest.fixture(scope="module")
def provider_token(platform) -> str:
    return create_provider(platform.env, "fuzz-provider", "Fuzzed provider", ["CAN", "DL"])


@pytest.mark.parametrize("service", ["pseudonymiser", "matcher", "reporter"])
def test_no_operation_answers_with_a_server_error(platform, provider_token, service):
    valid = _credentials(platform, service, provider_token)
    forged = {"Authorization": "Bearer forged-" + "x" * 30}
    schema = schemathesis.openapi.from_url(f"{platform.url(service)}/openapi.json")
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            for headers in (valid, forged):
                response = case.call(headers=headers, timeout=30)
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}")

        run()
    assert operations >= 3
    assert failures == []


def _operations(platform, service: str):
    document = httpx.get(f"{platform.url(service)}/openapi.json", timeout=30).json()
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            yield path, method.upper(), spec.get("parameters", [])


def test_bad_bytes_anywhere_are_a_clear_4xx_on_every_service(platform, provider_token):
    failures, tried = [], 0
    for service in SERVICES:
        base, headers = platform.url(service), _credentials(platform, service, provider_token)
        for path, method, parameters in _operations(platform, service):
            filled = path
            for p in parameters:
                if p["in"] == "path":
                    filled = filled.replace("{" + p["name"] + "}", "x")
            attempts = [f"{filled}?{p['name']}={bad}" for p in parameters if p["in"] == "query" for bad in BAD_VALUES]
            attempts += [f"{filled}?{bad}=1" for bad in BAD_VALUES[:2]]
            attempts += [path.replace("{" + p["name"] + "}", bad) for p in parameters if p["in"] == "path"
                         for bad in BAD_VALUES]
            for url in attempts:
                tried += 1
                response = httpx.request(method, httpx.URL(base + url), headers=headers, timeout=30)
                if not 400 <= response.status_code < 500:
                    failures.append(f"{service} {method} {url} -> {response.status_code}")
            for value in (b"\xff\xfe", b"caf\xe9", b"\xc3\x28"):  # obs-text a client may send; not UTF-8
                tried += 1
                response = httpx.request(method, base + filled, timeout=30,
                                         headers={**headers, "X-Filter": value})
                if response.status_code != 400:
                    failures.append(f"{service} {method} {filled} header X-Filter={value!r} -> {response.status_code}")
    assert tried > 100
    assert failures == []


@pytest.mark.parametrize("field, value", [("service", b"CA\x00N"), ("service", b"\xff\xfe"),
                                          ("replaces", b"\x1b[2J"), ("service", b"CAN\n")])
def test_bad_bytes_in_the_upload_form_are_a_400(platform, provider_token, field, value):
    fields = {"service": b"CAN", field: value}
    files = {name: (None, data) for name, data in fields.items()}
    files["file"] = ("a.csv", b"provider_record_id,service_code\nr1,CAN\n", "text/csv")
    response = httpx.post(f"{platform.url('uploader')}/api/v1/uploads", timeout=30, files=files,
                          headers={"Authorization": f"Bearer {provider_token}"})
    assert response.status_code == 400 and field in response.json()["detail"]


def test_bad_bytes_in_a_page_form_are_a_400(platform):
    response = httpx.post(f"{platform.url('uploader')}/sign-in", timeout=30,
                          content=b"username=a%00b&password=x&csrf_token=y",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400 and "username" in response.json()["detail"]
