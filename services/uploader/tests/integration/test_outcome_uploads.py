"""Outcome extracts through the upload path: refused unless an admin allowed the provider, validated by the
outcomes dataset's rules (row and column named), carried on as outcome records; replaced like service files."""

from __future__ import annotations

import uuid

import pytest

from leap_contracts.envelope import open_envelope
from leap_contracts.events import RecordsValidatedV1, UploadValidatedV1, UploadWithdrawnV1
from leap_uploader.service import outcome_access
from leap_uploader.service.providers import InvalidCommand

pytestmark = pytest.mark.integration

HEADER = "provider_record_id,nhs_number,first_name,date_of_birth,gender,primary_carer_email,measure,measured_on,result\n"
GOOD = "HV1,9434765919,Zoë,2022-01-15,F,mum.family@gmail.com,asq3_communication,2024-03-01,yes\n"
BAD = "HV2,,Sam,2022-02-01,M,,asq3_fine_motor,2024-03-02,perhaps\n"


async def post(h, headers, content: bytes, source: str = "HV", dataset: str | None = "outcomes", replaces=None):
    data = {"service": source, **({"dataset": dataset} if dataset else {}), **({"replaces": replaces} if replaces else {})}
    return await h.client.post("/api/v1/uploads", headers=headers, data=data,
                               files={"file": ("hv.csv", content, "text/csv")})


async def test_outcome_data_is_refused_from_a_provider_no_admin_allowed(h, pool, make_provider) -> None:
    headers = await make_provider("trust-a", "CAN")
    response = await post(h, headers, (HEADER + GOOD).encode())
    assert response.status_code == 403
    assert "not allowed to send outcome data of source HV" in response.json()["detail"]
    assert "an admin must allow it" in response.json()["detail"]
    assert await pool.fetchval("SELECT count(*) FROM uploads WHERE provider_id = 'trust-a'") == 0
    assert await pool.fetchval("SELECT count(*) FROM audit_log WHERE action = 'upload.refused'") >= 1
    # an outcome source is not a service, and the dataset must be one the platform knows
    assert (await post(h, headers, (HEADER + GOOD).encode(), dataset=None)).status_code == 400
    assert (await post(h, headers, (HEADER + GOOD).encode(), dataset="grades")).status_code == 400


async def test_an_allowed_provider_sends_an_outcome_extract_and_bad_rows_name_row_and_column(
        h, pool, services, make_provider) -> None:
    headers = await make_provider("trust-b", "CAN")
    assert await outcome_access.allow(pool, "admin:test", "trust-b", "hv")
    with pytest.raises(InvalidCommand):
        await outcome_access.allow(pool, "admin:test", "trust-b", "GRADES")
    upload_id = uuid.UUID((await post(h, headers, (HEADER + GOOD + BAD + GOOD.replace("HV1", "HV3"))
                                      .encode())).json()["upload_id"])
    assert open_envelope(await h.file_received(upload_id)).dataset == "outcomes"
    await services.validation.on_file_received(await h.file_received(upload_id))

    row = await h.upload_row(upload_id)
    assert (row["status"], row["dataset"], row["rows_accepted"], row["rows_rejected"]) == ("processing", "outcomes", 2, 1)
    problems = await pool.fetch("SELECT row_number, column_name, code, severity FROM upload_problems "
                                "WHERE upload_id = $1 ORDER BY row_number, code", upload_id)
    assert ("result", "invalid_value", "error") in {(p["column_name"], p["code"], p["severity"]) for p in problems}
    assert [p["row_number"] for p in problems if p["code"] == "invalid_value"] == [3]
    chunks = [open_envelope(e) for k, e in await h.outbox("restricted.records-validated.v1") if k.split(":")[0] == str(upload_id)]
    assert len(chunks) == 1 and isinstance(chunks[0], RecordsValidatedV1) and chunks[0].dataset == "outcomes"
    first = chunks[0].records[0]
    assert (first.beneficiary_type, first.outcome.measure, first.outcome.positive) == ("child", "asq3_communication", True)
    summary = [open_envelope(e) for k, e in await h.outbox("uploads.upload-validated.v1") if k == str(upload_id)]
    assert isinstance(summary[0], UploadValidatedV1) and summary[0].dataset == "outcomes"

    # a corrected extract replaces it: the old one is withdrawn as an outcome upload
    fixed = uuid.UUID((await post(h, headers, (HEADER + GOOD).encode(), replaces=str(upload_id))).json()["upload_id"])
    await services.validation.on_file_received(await h.file_received(fixed))
    withdrawn = [open_envelope(e) for k, e in await h.outbox("uploads.upload-withdrawn.v1") if k == str(upload_id)]
    assert isinstance(withdrawn[0], UploadWithdrawnV1) and withdrawn[0].dataset == "outcomes"
    # a service file cannot replace an outcome extract
    can = await h.post_file(headers, b"provider_record_id,beneficiary_type,engagement_date\nP1,adult,2024-01-02\n")
    assert can.status_code == 202
    mixed = await post(h, headers, (HEADER + GOOD + GOOD.replace("HV1", "HV9")).encode(),
                       replaces=can.json()["upload_id"])
    assert mixed.status_code == 400 and "same dataset" in mixed.json()["detail"]


async def test_a_measure_of_another_source_is_an_error_on_its_row(h, pool, services, make_provider) -> None:
    headers = await make_provider("trust-c", "CAN")
    await outcome_access.allow(pool, "admin:test", "trust-c", "HV")
    wrong = GOOD.replace("asq3_communication", "eyfsp_gld")
    upload_id = uuid.UUID((await post(h, headers, (HEADER + GOOD + wrong).encode())).json()["upload_id"])
    await services.validation.on_file_received(await h.file_received(upload_id))
    found = await pool.fetch("SELECT row_number, column_name, code FROM upload_problems WHERE upload_id = $1 "
                             "AND severity = 'error'", upload_id)
    assert [(r["row_number"], r["column_name"], r["code"]) for r in found] == [(3, "measure", "wrong_source")]


async def test_an_extract_is_completed_once_every_chunk_is_linked(h, pool, services, make_provider) -> None:
    from leap_contracts.envelope import seal
    from leap_contracts.events import OutcomeLink, OutcomeLinksChangedV1, OutcomesLinkedV1

    headers = await make_provider("trust-d", "CAN")
    await outcome_access.allow(pool, "admin:test", "trust-d", "HV")
    upload_id = uuid.UUID((await post(h, headers, (HEADER + GOOD).encode())).json()["upload_id"])
    await services.validation.on_file_received(await h.file_received(upload_id))
    linked = OutcomesLinkedV1(upload_id=upload_id, provider_id="trust-d", source_code="HV", chunk_index=0,
                              records=[], linked=0, unlinked=0, bridging=0)
    envelope = seal(linked, producer="matcher", correlation_id="c")
    await services.handlers.deliver(envelope)
    await services.handlers.deliver(envelope)  # redelivered: changes nothing
    relinked = OutcomeLinksChangedV1(upload_id=upload_id, chunk_index=0, changed=[OutcomeLink(row_number=2)],
                                     linked=0, unlinked=1, bridging=0)
    await services.handlers.deliver(seal(relinked, producer="matcher", correlation_id="c"))
    row = await h.upload_row(upload_id)  # a later change of links: acknowledged, no dead letter, nothing counted
    assert (row["status"], row["chunks_matched"]) == ("completed", 1)


async def test_an_outcome_extract_pseudonymised_at_source_goes_on_as_outcome_records(h, pool, services,
                                                                                    make_provider) -> None:
    import hashlib
    import json
    from datetime import UTC, datetime

    from leap_contracts.events import RecordsPseudonymisedAtSourceV1

    token = "ab" * 32
    content = ("provider_record_token,beneficiary_type,nhs_number_token,birth_month,gender,engagement_date,"
               "attended,findings,measure,result\n"
               f"{token},child,{'cd' * 32},2022-03,female,2024-05-01,true,,asq3_communication,yes\n"
               f"{token},child,{'cd' * 32},2022-03,female,2024-05-01,true,,eyfsp_gld,yes\n").encode()
    manifest = {"format": "leap-at-source", "format_version": 1, "spec_version": "1", "key_id": "programme-key-1",
                "key_check_value": "0123456789ab", "service_code": "HV", "file_name": "hv.csv", "row_count": 2,
                "sha256": hashlib.sha256(content).hexdigest(), "rows_read": 2, "rows_rejected": 0, "findings": [],
                "tool_version": "1.0", "created_at": datetime.now(UTC).isoformat()}
    headers = await make_provider("trust-e", "CLM")
    await outcome_access.allow(pool, "admin:test", "trust-e", "HV")
    response = await h.client.post("/api/v1/uploads", headers=headers, data={"service": "HV", "dataset": "outcomes"},
                                   files={"file": ("hv.csv", content, "text/csv"),
                                          "manifest": ("hv.csv.manifest.json", json.dumps(manifest).encode(),
                                                       "application/json")})
    assert response.status_code == 202, response.text
    upload_id = uuid.UUID(response.json()["upload_id"])
    await services.validation.on_file_received(await h.file_received(upload_id))
    row = await h.upload_row(upload_id)
    assert (row["rows_accepted"], row["rows_rejected"]) == (1, 1)  # EYFSP is not in a health visiting extract
    chunks = [open_envelope(e) for _, e in await h.outbox("records.at-source.v1")]
    assert isinstance(chunks[0], RecordsPseudonymisedAtSourceV1) and chunks[0].dataset == "outcomes"
    assert chunks[0].records[0].outcome.measure == "asq3_communication"
