import hashlib
import io
import uuid

import httpx
import pytest
import xlsxwriter

from leap_contracts.envelope import open_envelope
from leap_contracts.events import FileReceivedV1
from leap_uploader.app import create_app
from leap_uploader.service.providers import revoke_tokens

pytestmark = pytest.mark.integration

CSV = b"provider_record_id,beneficiary_type,engagement_date\nP1,adult,2024-05-12\n"


async def test_upload_is_accepted_stored_encrypted_and_announced(h, make_provider) -> None:
    headers = await make_provider("lambeth-council", "CAN", "PINE")
    response = await h.post_file(headers, CSV, service="can")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "received"
    upload_id = uuid.UUID(body["upload_id"])

    row = await h.upload_row(upload_id)
    assert (row["provider_id"], row["service_code"], row["status"], row["file_format"]) == (
        "lambeth-council", "CAN", "received", "csv")
    assert (row["sha256"], row["size_bytes"]) == (hashlib.sha256(CSV).hexdigest(), len(CSV))
    stored = await h.pool.fetchval("SELECT content FROM raw_files WHERE upload_id = $1", upload_id)
    assert len(stored) == len(CSV) + 29 and b"P1,adult" not in stored

    event = open_envelope(await h.file_received(upload_id))
    assert isinstance(event, FileReceivedV1)
    assert (event.upload_id, event.service_code, event.file_format, event.sha256) == (
        upload_id, "CAN", "csv", row["sha256"])

    state = (await h.client.get(f"/api/v1/uploads/{upload_id}", headers=headers)).json()
    assert (state["status"], state["errors"], state["errors_truncated"]) == ("received", [], False)


async def test_same_file_twice_is_one_upload(h, make_provider) -> None:
    headers = await make_provider("prov", "CAN", "PINE")
    first = await h.post_file(headers, CSV)
    again = await h.post_file(headers, CSV, filename="renamed.csv")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json() == first.json()
    assert await h.pool.fetchval("SELECT count(*) FROM uploads") == 1
    assert len(await h.outbox("uploads.file-received.v1")) == 1
    other_service = await h.post_file(headers, CSV, service="PINE")
    assert other_service.status_code == 202 and other_service.json()["upload_id"] != first.json()["upload_id"]


async def test_xlsx_is_recognised_by_content(h, make_provider) -> None:
    headers = await make_provider("prov", "CAN")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet().write_row(0, 0, ["provider_record_id", "beneficiary_type", "engagement_date"])
    book.close()
    upload_id = await h.upload(headers, buffer.getvalue())
    assert (await h.upload_row(upload_id))["file_format"] == "xlsx"


async def test_a_provider_cannot_upload_for_a_service_it_does_not_deliver(h, make_provider) -> None:
    headers = await make_provider("charity", "DL")
    await make_provider("trust", "CAN")
    response = await h.post_file(headers, CSV, service="CAN")
    assert response.status_code == 403
    assert "does not deliver service CAN" in response.json()["detail"]
    assert await h.pool.fetchval("SELECT count(*) FROM uploads") == 0


async def test_a_provider_cannot_see_another_providers_upload(h, make_provider) -> None:
    owner = await make_provider("owner", "CAN")
    stranger = await make_provider("stranger", "CAN")
    upload_id = await h.upload(owner, CSV)
    theirs = await h.client.get(f"/api/v1/uploads/{upload_id}", headers=stranger)
    unknown = await h.client.get(f"/api/v1/uploads/{uuid.uuid4()}", headers=stranger)
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == unknown.json()


async def test_missing_invalid_and_revoked_tokens_are_refused(h, make_provider, pool) -> None:
    headers = await make_provider("prov", "CAN")
    assert (await h.post_file({}, CSV)).status_code == 401
    missing = await h.client.get(f"/api/v1/uploads/{uuid.uuid4()}")
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert (await h.post_file({"Authorization": "Bearer leap_" + "x" * 40}, CSV)).status_code == 401
    assert (await h.post_file({"Authorization": "Basic abc"}, CSV)).status_code == 401
    await revoke_tokens(pool, provider_id="prov")
    assert (await h.post_file(headers, CSV)).status_code == 401
    assert await pool.fetchval("SELECT count(*) FROM uploads") == 0


@pytest.mark.parametrize(("content", "service", "hint"), [
    (CSV, "NOPE", "unknown service code"),
    (b"", "CAN", "empty"),
    (b"%PDF-1.7\n\x00\x00binary", "CAN", "neither CSV nor XLSX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "CAN", ".xls"),
    (b"PK\x03\x04" + b"\x00" * 100, "CAN", "zip"),
    (b"provider_record_id\n\xff\x81\n", "CAN", "neither CSV nor XLSX"),
])
async def test_bad_uploads_are_refused_with_a_reason(h, make_provider, content, service, hint) -> None:
    headers = await make_provider("prov", "CAN")
    response = await h.post_file(headers, content, service=service)
    assert response.status_code == 400
    assert hint in response.json()["detail"]


async def test_malformed_forms_are_refused(h, make_provider) -> None:
    headers = await make_provider("prov", "CAN")
    no_service = await h.client.post("/api/v1/uploads", headers=headers, files={"file": ("a.csv", CSV)})
    no_file = await h.client.post("/api/v1/uploads", headers=headers, data={"service": "CAN"},
                                  files={"other": ("a.csv", CSV)})
    not_multipart = await h.client.post("/api/v1/uploads", headers=headers, content=CSV)
    assert [r.status_code for r in (no_service, no_file, not_multipart)] == [400, 400, 400]
    assert "'service'" in no_service.json()["detail"] and "'file'" in no_file.json()["detail"]


async def test_files_over_the_size_limit_get_413(settings, pool, make_provider) -> None:
    headers = await make_provider("prov", "CAN")
    small = create_app(settings.model_copy(update={"max_upload_bytes": 1024 * 1024}), messaging=False)
    async with small.router.lifespan_context(small), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=small), base_url="http://uploader") as client:
        big = CSV + b"P2,adult,2024-05-12\n" * 60_000
        response = await client.post("/api/v1/uploads", headers=headers, data={"service": "CAN"},
                                     files={"file": ("big.csv", big)})
        assert response.status_code == 413 and "1 MB limit" in response.json()["detail"]
        ok = await client.post("/api/v1/uploads", headers=headers, data={"service": "CAN"}, files={"file": ("a.csv", CSV)})
        assert ok.status_code == 202
    assert await pool.fetchval("SELECT count(*) FROM uploads") == 1


async def test_the_limit_holds_while_streaming_without_a_content_length(settings, pool, make_provider) -> None:
    headers = await make_provider("prov", "CAN")
    limit = 1024 * 1024
    small = create_app(settings.model_copy(update={"max_upload_bytes": limit}), messaging=False)
    sent = 0

    async def chunked_form(file_size: int):
        nonlocal sent
        yield (b'--b0undary\r\nContent-Disposition: form-data; name="service"\r\n\r\nCAN\r\n'
               b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\n' + CSV)
        for _ in range((file_size - len(CSV)) // 65536):
            sent += 65536
            yield b"P2,adult,2024-05-12\n" * 3276 + b"1234\n"
        yield b"\r\n--b0undary--\r\n"

    form_headers = headers | {"Content-Type": "multipart/form-data; boundary=b0undary"}
    async with small.router.lifespan_context(small), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=small), base_url="http://uploader") as client:
        endless = await client.post("/api/v1/uploads", headers=form_headers, content=chunked_form(50 * limit))
        assert endless.status_code == 413
        assert sent < 2 * limit  # reading stopped at the limit, not at the end of the body
        just_over = await post_sized(client, headers, limit + 10)
        assert just_over.status_code == 413
    assert await pool.fetchval("SELECT count(*) FROM uploads") == 0


async def post_sized(client: httpx.AsyncClient, headers: dict[str, str], size: int) -> httpx.Response:
    """A file a few bytes over the limit: the Content-Length pre-check lets it through, the stream does not."""
    content = CSV + b"x" * (size - len(CSV))
    return await client.post("/api/v1/uploads", headers=headers, data={"service": "CAN"},
                             files={"file": ("a.csv", content)})


async def test_health_metrics_and_docs(h) -> None:
    assert (await h.client.get("/health/live")).json() == {"status": "ok"}
    ready = await h.client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": True}
    assert "uploads_total" in (await h.client.get("/metrics")).text
    assert (await h.client.get("/docs")).status_code == 200
    paths = (await h.client.get("/openapi.json")).json()["paths"]
    assert "multipart/form-data" in paths["/api/v1/uploads"]["post"]["requestBody"]["content"]
