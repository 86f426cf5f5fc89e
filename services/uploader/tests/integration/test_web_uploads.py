"""Uploads through the pages and the API: authorisation between providers, the report (values shown
only to the provider's own users; Excel-safe downloads), replacement, and mappings with a dry run."""

from __future__ import annotations

import csv
import io
import json
import uuid

import openpyxl
import pytest

from leap_contracts.envelope import open_envelope
from leap_contracts.events import UploadWithdrawnV1
from uploader_web_helpers import Browser, csrf, make_user

pytestmark = pytest.mark.integration

GOOD = "provider_record_id,beneficiary_type,engagement_date\n" + "".join(
    f"P{i},adult,2024-05-0{1 + i % 9}\n" for i in range(20))
BAD = GOOD + 'P100,someday,"=HYPERLINK(""http://x"")"\n'


@pytest.fixture
async def provider_browser(app, pool, make_provider):
    await make_provider("north", "CAN", "DL")
    await make_provider("south", "PINE")
    await make_user(pool, "north.officer", "provider", "north")
    b = Browser(app)
    await b.sign_in("north.officer")
    yield b
    await b.close()


async def page_upload(b: Browser, content: str | bytes, service: str = "CAN", replaces: str = ""):
    token = await b.token()
    return await b.http.post("/uploads/new", headers={"X-CSRF-Token": token},
                             data={"service": service, "replaces": replaces},
                             files={"file": ("contacts.csv", content, "text/csv")})


async def validate(services, h, upload_id):
    await services.validation.on_file_received(await h.file_received(uuid.UUID(str(upload_id))))


async def test_upload_from_the_page_and_download_a_safe_report(provider_browser, services, h, pool):
    b = provider_browser
    sent = await page_upload(b, BAD)
    assert sent.status_code == 202, sent.text
    upload_id = sent.json()["upload_id"]
    await validate(services, h, upload_id)
    status = (await b.http.get("/uploads/status.json")).json()["uploads"]
    assert [(u["upload_id"], u["status"], u["rows_rejected"]) for u in status] == [(upload_id, "processing", 1)]
    page = await b.http.get(f"/uploads/{upload_id}")
    assert "someday" in page.text and "engagement_date" in page.text  # the provider sees its own values
    report = list(csv.reader(io.StringIO((await b.http.get(f"/uploads/{upload_id}/report.csv")).content
                                         .decode("utf-8-sig"))))
    assert report[0] == ["row", "column", "value", "severity", "problem", "how to fix"]
    values = [r[2] for r in report[1:]]
    assert "'=HYPERLINK(\"http://x\")" in values and not any(v.startswith(("=", "+", "-", "@")) for v in values)
    workbook = openpyxl.load_workbook(io.BytesIO((await b.http.get(f"/uploads/{upload_id}/report.xlsx")).content))
    cells = [c.value for row in workbook.active.iter_rows() for c in row]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert all(c.data_type != "f" for row in workbook.active.iter_rows() for c in row)
    actions = {r["action"] for r in await pool.fetch("SELECT action FROM audit_log")}
    assert {"upload.created", "report.viewed", "report.downloaded"} <= actions


async def test_a_provider_cannot_see_or_upload_for_another_providers_services(provider_browser, services, h,
                                                                           make_provider, app, pool):
    b = provider_browser
    south = await make_provider("south", "PINE")
    theirs = await h.upload(south, GOOD.encode(), service="PINE")
    for path in (f"/uploads/{theirs}", f"/uploads/{theirs}/report.csv", f"/uploads/{theirs}/report.xlsx"):
        assert (await b.http.get(path)).status_code == 404
    assert str(theirs) not in (await b.http.get("/uploads/status.json")).text
    refused = await page_upload(b, GOOD, service="PINE")
    assert refused.status_code == 403 and "does not deliver service PINE" in refused.json()["detail"]
    assert (await b.http.get("/admin")).status_code == 403
    # the API token of one provider cannot read the other's upload either
    north = await make_provider("north", "CAN")
    assert (await h.client.get(f"/api/v1/uploads/{theirs}", headers=north)).status_code == 404
    assert (await h.post_file(north, GOOD.encode(), service="PINE")).status_code == 403
    # an analyst sees every upload's counts but never a value
    await make_user(pool, "analyst.x", "analyst")
    analyst = Browser(app, address="127.0.0.2")
    try:
        await analyst.sign_in("analyst.x")
        bad = await h.upload(south, BAD.encode(), service="PINE")
        await validate(services, h, bad)
        assert str(bad) in (await analyst.http.get("/uploads/status.json")).text
        assert "someday" not in (await analyst.http.get(f"/uploads/{bad}/report.csv")).text
        assert (await page_upload(analyst, GOOD)).status_code == 403
    finally:
        await analyst.close()


async def test_replacing_an_upload_withdraws_the_old_one_when_the_new_one_is_accepted(provider_browser, services, h):
    b = provider_browser
    first = (await page_upload(b, GOOD)).json()["upload_id"]
    too_early = await page_upload(b, GOOD + "P99,adult,2024-06-01\n", replaces=first)
    assert too_early.status_code == 400 and "received" in too_early.json()["detail"]  # not validated yet
    await validate(services, h, first)
    wrong_service = await page_upload(b, GOOD + "P98,adult,2024-06-01\n", service="DL", replaces=first)
    assert wrong_service.status_code == 400 and "same service" in wrong_service.json()["detail"]
    second = (await page_upload(b, GOOD + "P97,adult,2024-06-01\n", replaces=first)).json()["upload_id"]
    assert not await h.outbox("uploads.upload-withdrawn.v1")  # only once the corrected file is accepted
    await validate(services, h, second)
    withdrawn = [(key, open_envelope(e)) for key, e in await h.outbox("uploads.upload-withdrawn.v1")]
    assert len(withdrawn) == 1 and withdrawn[0][0] == first
    event = withdrawn[0][1]
    assert isinstance(event, UploadWithdrawnV1) and str(event.replaced_by) == second
    ids = [r["topic"] for r in await h.pool.fetch("SELECT topic FROM outbox ORDER BY id")]
    assert ids.index("test.uploads.upload-withdrawn.v1") < ids.index("test.restricted.records-validated.v1",
                                                                      ids.index("test.uploads.upload-withdrawn.v1"))
    assert (await h.upload_row(uuid.UUID(first)))["status"] == "replaced"
    north = await h.client.get(f"/api/v1/uploads/{first}", headers=await _north_token(h))
    assert north.status_code == 200 and north.json()["replaced_by"] == second


async def _north_token(h) -> dict[str, str]:
    from leap_uploader.service.provider_admin import issue_token
    _, token = await issue_token(h.pool, "test", "north")
    return {"Authorization": f"Bearer {token}"}


MAPPED = ("Client Ref;Sex;Born;Contact;Referral date;Given name\n".replace(";", ",")
          + "C1,2,03.04.2022,,2024-05-01,Amy\n"
          + "C2,1,05.06.1990,2024-05-02,,Bob\n"
          + "C3,9,31.02.2022,2024-05-03,,Cy\n")
SPEC = {"renames": {"Client Ref": "provider_record_id", "Sex": "gender", "Born": "date_of_birth",
                    "Contact": "engagement_date", "Given name": "first_name"},
        "value_maps": {"gender": {"1": "male", "2": "female"}}, "date_formats": {"date_of_birth": "%d.%m.%Y"},
        "fill_from": {"engagement_date": "Referral date"}, "beneficiary_type_from_dob": 18}


async def test_admin_saves_a_versioned_mapping_dry_runs_it_and_uploads_use_it(app, pool, make_provider, services, h):
    headers = await make_provider("east", "CAN")
    await make_user(pool, "admin.m", "admin")
    admin = Browser(app, address="127.0.0.3")
    try:
        await admin.sign_in("admin.m")
        page = await admin.http.get("/admin/mappings/edit", params={"provider_id": "east", "service": "CAN"})
        token = csrf(page.text)
        bad = await admin.http.post("/admin/mappings", data={"csrf_token": token, "provider_id": "east",
                                                             "service": "CAN", "spec": '{"renames": {"x": "nope"}}'})
        assert bad.status_code == 400 and "not a column of the standard dataset" in bad.text
        dry = await admin.http.post("/admin/mappings/dry-run", files={"file": ("s.csv", MAPPED, "text/csv")},
                                    data={"csrf_token": token, "provider": "east", "service": "CAN",
                                          "mapping": json.dumps(SPEC)})
        assert dry.status_code == 200, dry.text
        assert "Dry-run result" in dry.text and "31.02.2022" in dry.text
        assert await pool.fetchval("SELECT count(*) FROM uploads") == 0  # nothing stored
        for version in (1, 2):
            saved = await admin.http.post("/admin/mappings", data={"csrf_token": token, "provider_id": "east",
                                                                   "service": "CAN", "spec": json.dumps(SPEC)})
            assert f"version {version}" in saved.text
    finally:
        await admin.close()
    upload_id = await h.upload(headers, MAPPED.encode())
    assert (await h.upload_row(upload_id))["mapping_version"] == 2
    await validate(services, h, upload_id)
    row = await h.upload_row(upload_id)
    assert (row["rows_total"], row["rows_accepted"], row["rows_rejected"]) == (3, 2, 1)
    chunk = open_envelope((await h.outbox("restricted.records-validated.v1"))[0][1])
    first, second = chunk.records
    assert (first.beneficiary_type, first.gender, str(first.date_of_birth), str(first.engagement_date)) == (
        "child", "female", "2022-04-03", "2024-05-01")
    assert (second.beneficiary_type, second.gender) == ("adult", "male")
