"""Admins allow outcome data in the pages (audited); a dry run of an outcome extract with a mapping; a provider's
page offers its allowed outcome sources."""

from __future__ import annotations

import json

import pytest

from uploader_web_helpers import Browser, csrf, make_user

pytestmark = pytest.mark.integration

EXTRACT = ("Child ID,Born,Sex,Check,Date,Outcome\n"
           "E1,2019-10-02,F,eyfsp_gld,2025-06-30,Y\n"
           "E2,2019-11-02,M,eyfsp_gld,2025-06-30,perhaps\n")
SPEC = {"renames": {"Child ID": "provider_record_id", "Born": "date_of_birth", "Sex": "gender", "Check": "measure",
                    "Date": "measured_on", "Outcome": "result"}}


async def test_admin_allows_outcome_data_and_dry_runs_an_outcome_mapping(app, pool, make_provider):
    await make_provider("county", "CAN")
    await make_user(pool, "admin.o", "admin")
    await make_user(pool, "officer.o", "provider", "county")
    admin = Browser(app, address="127.0.0.7")
    try:
        await admin.sign_in("admin.o")
        token = csrf((await admin.http.get("/admin")).text)
        allowed = await admin.http.post("/admin/outcomes/allow", data={"csrf_token": token, "provider_id": "county",
                                                                       "source": "EDU"})
        assert allowed.status_code == 200 and "county may send outcome extracts of EDU" in allowed.text
        assert await pool.fetchval("SELECT count(*) FROM audit_log WHERE action = 'outcomes.allowed'") == 1
        page = await admin.http.get("/admin/mappings/edit", params={"provider_id": "county", "service": "EDU"})
        dry = await admin.http.post("/admin/mappings/dry-run", files={"file": ("edu.csv", EXTRACT, "text/csv")},
                                    data={"csrf_token": csrf(page.text), "provider": "county", "service": "EDU",
                                          "mapping": json.dumps(SPEC)})
        assert dry.status_code == 200, dry.text
        assert "Dry-run result" in dry.text and "perhaps" in dry.text  # row 3's result, shown to the admin
        assert await pool.fetchval("SELECT count(*) FROM uploads") == 0
        saved = await admin.http.post("/admin/mappings", data={"csrf_token": csrf(page.text), "provider_id": "county",
                                                               "service": "EDU", "spec": json.dumps(SPEC)})
        assert "version 1" in saved.text
        stopped = await admin.http.post("/admin/outcomes/disallow", data={
            "csrf_token": token, "provider_id": "county", "source": "EDU"})
        assert "no longer send outcome extracts of EDU" in stopped.text
    finally:
        await admin.close()
    officer = Browser(app, address="127.0.0.8")
    try:
        await officer.sign_in("officer.o")
        assert "outcomes:EDU" not in (await officer.http.get("/uploads")).text
        from leap_uploader.service import outcome_access
        await outcome_access.allow(pool, "admin:test", "county", "EDU")
        page = await officer.http.get("/uploads")
        assert '<option value="outcomes:EDU">EDU outcomes</option>' in page.text
        sent = await officer.http.post("/uploads/new", data={"service": "outcomes:EDU", "csrf_token": csrf(page.text)},
                                       files={"file": ("edu.csv", EXTRACT, "text/csv")})
        assert sent.status_code == 202, sent.text
        assert await pool.fetchval("SELECT dataset FROM uploads WHERE upload_id = $1",
                                   __import__("uuid").UUID(sent.json()["upload_id"])) == "outcomes"
    finally:
        await officer.close()
