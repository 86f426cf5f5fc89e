"""Files pseudonymised at source: the manifest is checked against the programme key before anything is
stored, and accepted rows go on as RecordsPseudonymisedAtSourceV1 chunks (never the restricted topic)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest

from leap_contracts.envelope import open_envelope
from leap_contracts.events import RecordsPseudonymisedAtSourceV1

pytestmark = pytest.mark.integration

TOKEN = "ab" * 32
FILE = ("provider_record_token,beneficiary_type,birth_month,gender,engagement_date,attended,findings\n"
        + "".join(f"{TOKEN[:-2]}{i:02x},child,2022-03,female,2025-03-0{1 + i % 9},true,\n" for i in range(12))
        + f"{TOKEN},alien,2022-13,female,2025-03-01,true,\n").encode()


def manifest(**changes) -> bytes:
    body = {"format": "leap-at-source", "format_version": 1, "spec_version": "1", "key_id": "programme-key-1",
            "key_check_value": "0123456789ab", "service_code": "CLM", "file_name": "clm.csv", "row_count": 13,
            "sha256": hashlib.sha256(FILE).hexdigest(), "rows_read": 13, "rows_rejected": 0, "findings": [],
            "tool_version": "1.0", "created_at": datetime.now(UTC).isoformat()}
    return json.dumps({**body, **changes}).encode()


async def post(h, headers, content=FILE, manifest_bytes=None):
    files = {"file": ("clm.csv", content, "text/csv")}
    if manifest_bytes is not None:
        files["manifest"] = ("clm.csv.manifest.json", manifest_bytes, "application/json")
    return await h.client.post("/api/v1/uploads", headers=headers, data={"service": "CLM"}, files=files)


async def test_an_at_source_file_goes_on_as_at_source_chunks(h, services, make_provider):
    headers = await make_provider("trust", "CLM")
    response = await post(h, headers, manifest_bytes=manifest())
    assert response.status_code == 202, response.text
    upload_id = response.json()["upload_id"]
    await services.validation.on_file_received(await h.file_received(__import__("uuid").UUID(upload_id)))
    row = await h.upload_row(__import__("uuid").UUID(upload_id))
    assert (row["status"], row["rows_total"], row["rows_accepted"], row["rows_rejected"]) == ("processing", 13, 12, 1)
    assert await h.outbox("restricted.records-validated.v1") == []
    chunks = [open_envelope(e) for _, e in await h.outbox("records.at-source.v1")]
    assert len(chunks) == 1 and isinstance(chunks[0], RecordsPseudonymisedAtSourceV1)
    assert (chunks[0].key_id, chunks[0].key_check_value, len(chunks[0].records)) == (
        "programme-key-1", "0123456789ab", 12)


@pytest.mark.parametrize(("changes", "message"), [
    ({"key_id": "old-key"}, "the programme's key is 'programme-key-1'"),
    ({"key_check_value": "ffffffffffff"}, "key check value"),
    ({"sha256": "0" * 64}, "SHA-256 differs"),
    ({"service_code": "GPC"}, "pseudonymised for service GPC"),
    ({"format": "something-else"}, "the manifest is not the at-source tool's"),
])
async def test_a_manifest_that_does_not_agree_refuses_the_file(h, make_provider, changes, message):
    headers = await make_provider("trust", "CLM")
    response = await post(h, headers, manifest_bytes=manifest(**changes))
    assert response.status_code == 400 and message in response.json()["detail"]
    assert await h.pool.fetchval("SELECT count(*) FROM uploads") == 0


async def test_a_row_count_that_differs_from_the_manifest_rejects_the_file(h, services, make_provider):
    headers = await make_provider("trust", "CLM")
    upload_id = (await post(h, headers, manifest_bytes=manifest(row_count=14))).json()["upload_id"]
    await services.validation.on_file_received(await h.file_received(__import__("uuid").UUID(upload_id)))
    row = await h.upload_row(__import__("uuid").UUID(upload_id))
    assert row["status"] == "rejected" and "manifest says 14" in row["rejection_reason"]
