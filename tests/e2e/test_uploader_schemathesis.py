"""Schemathesis against the running uploader's OpenAPI: generated requests, with a valid API token and
with a forged one, never cause a server error (bounded: at most 25 examples per operation)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from leap_tools.localenv import create_provider

FORGED = {"Authorization": "Bearer leap_" + "x" * 40}


def test_no_operation_answers_with_a_server_error(platform):
    token = create_provider(platform.env, "schema-provider", "Schemathesis provider", ["CAN", "DL"])
    valid = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_url(f"{platform.url('uploader')}/openapi.json")
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            for headers in (valid, FORGED):
                response = case.call(headers=headers, timeout=30)
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}")

        run()
    assert operations >= 5
    assert failures == []
