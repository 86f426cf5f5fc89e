import io
import uuid
from datetime import date, datetime

import pytest
import xlsxwriter

from leap_contracts import topics
from leap_contracts.envelope import open_envelope
from leap_contracts.events import RecordsValidatedV1, UploadValidatedV1
from leap_uploader.service import validating

pytestmark = pytest.mark.integration

HEADER = "provider_record_id,beneficiary_type,engagement_date,first_name,date_of_birth,gender,Notes\n"


def csv_file(good: int, bad: int = 0, encoding: str = "utf-8") -> bytes:
    rows = [f"P{i},child,2024-05-12,Zoë,04/03/2021,F,private note\n" for i in range(good)]
    rows += [f"B{i},alien,someday,,,,\n" for i in range(bad)]
    return (HEADER + "".join(rows)).encode(encoding)


async def validated(h, upload_id):
    events = [open_envelope(e) for key, e in await h.outbox("uploads.upload-validated.v1") if key == str(upload_id)]
    assert len(events) <= 1
    return events[0] if events else None


async def chunks(h):
    return [(key, open_envelope(e)) for key, e in await h.outbox("restricted.records-validated.v1")]


async def counts(h, upload_id) -> tuple[int, ...]:
    return (await h.pool.fetchval("SELECT count(*) FROM outbox"),
            await h.pool.fetchval("SELECT count(*) FROM upload_problems WHERE upload_id = $1", upload_id),
            await h.pool.fetchval("SELECT count(*) FROM inbox"))


async def test_validation_writes_chunks_problems_and_status_together(h, services, make_provider) -> None:
    headers = await make_provider("prov", "CAN")
    upload_id = await h.upload(headers, csv_file(good=2500, bad=3))
    await services.validation.on_file_received(await h.file_received(upload_id))

    row = await h.upload_row(upload_id)
    assert (row["status"], row["rows_total"], row["rows_accepted"], row["rows_rejected"], row["chunk_count"]) == (
        "processing", 2503, 2500, 3, 3)
    records = await chunks(h)
    assert [key for key, _ in records] == [f"{upload_id}:{i}" for i in range(3)]  # keyed by chunk
    assert all(isinstance(e, RecordsValidatedV1) for _, e in records)
    assert [e.chunk_index for _, e in records] == [0, 1, 2]
    assert [len(e.records) for _, e in records] == [topics.CHUNK_SIZE, topics.CHUNK_SIZE, 500]
    assert records[0][1].records[0].row_number == 2 and records[0][1].records[0].first_name == "Zoë"

    summary = await validated(h, upload_id)
    assert isinstance(summary, UploadValidatedV1)
    assert (summary.outcome, summary.rows_accepted, summary.rows_rejected, summary.chunk_count) == ("accepted", 2500, 3, 3)
    by_key = {(p.code, p.column, p.severity): p.rows for p in summary.problems}
    assert by_key[("invalid_value", "beneficiary_type", "error")] == 3
    assert by_key[("unknown_column", None, "warning")] == 1
    assert "private note" not in summary.model_dump_json() and "Notes" not in summary.model_dump_json()

    assert await h.pool.fetchval("SELECT count(*) FROM raw_files") == 0
    state = (await h.client.get(f"/api/v1/uploads/{upload_id}", headers=headers)).json()
    assert state["status"] == "processing" and state["rows_accepted"] == 2500
    assert state["errors"][0] == {"row": 1, "column": "Notes", "code": "unknown_column", "severity": "warning",
                                  "message": state["errors"][0]["message"]}
    assert {e["row"] for e in state["errors"][1:]} == {2502, 2503, 2504}


async def test_redelivery_changes_nothing(h, services, make_provider) -> None:
    headers = await make_provider("prov", "CAN")
    upload_id = await h.upload(headers, csv_file(good=1500, bad=2))
    envelope = await h.file_received(upload_id)
    await services.validation.on_file_received(envelope)
    before = await counts(h, upload_id)
    await services.validation.on_file_received(envelope)
    await services.validation.on_file_received(envelope.model_copy(update={"event_id": uuid.uuid4()}))
    after = await counts(h, upload_id)
    assert before[:2] == after[:2] and after[2] == before[2] + 1  # only the second event id is recorded
    assert len(await chunks(h)) == 2


async def test_a_crash_before_commit_leaves_nothing_half_applied(h, services, make_provider, monkeypatch) -> None:
    headers = await make_provider("prov", "CAN")
    upload_id = await h.upload(headers, csv_file(good=1200, bad=2))
    envelope = await h.file_received(upload_id)

    async def crash(*args, **kwargs):
        raise RuntimeError("crash after the chunks and problems were written")

    monkeypatch.setattr(validating.uploads, "finish_validation", crash)
    with pytest.raises(RuntimeError):
        await services.validation.on_file_received(envelope)
    assert await counts(h, upload_id) == (1, 0, 0)  # only the FileReceivedV1 row
    assert (await h.upload_row(upload_id))["status"] == "validating"
    assert await h.pool.fetchval("SELECT count(*) FROM raw_files") == 1

    monkeypatch.undo()
    await services.validation.on_file_received(envelope)  # the redelivery starts from scratch
    assert (await h.upload_row(upload_id))["status"] == "processing"
    assert len(await chunks(h)) == 2 and await counts(h, upload_id) == (4, 5, 1)  # 2 errors per bad row + 1 unknown column


async def test_too_many_rejected_rows_reject_the_upload(h, services, make_provider) -> None:
    headers = await make_provider("prov", "CAN", "PINE")
    rejected_id = await h.upload(headers, csv_file(good=40, bad=60))
    accepted_id = await h.upload(headers, csv_file(good=60, bad=40), service="PINE")
    for upload_id in (rejected_id, accepted_id):
        await services.validation.on_file_received(await h.file_received(upload_id))

    row = await h.upload_row(rejected_id)
    assert (row["status"], row["rows_rejected"], row["chunk_count"]) == ("rejected", 60, 0)
    assert row["rejection_reason"].startswith("60 of 100 rows (60%) have errors, more than the 50% allowed")
    summary = await validated(h, rejected_id)
    assert (summary.outcome, summary.chunk_count, summary.rejection_reason) == ("rejected", 0, row["rejection_reason"])
    assert await h.pool.fetchval("SELECT count(*) FROM upload_problems WHERE upload_id = $1", rejected_id) == 121
    assert (await h.upload_row(accepted_id))["status"] == "processing"
    assert {key.split(":")[0] for key, _ in await chunks(h)} == {str(accepted_id)}
    assert await h.pool.fetchval("SELECT count(*) FROM raw_files") == 0


@pytest.mark.parametrize(("content", "reason"), [
    (b"name,dob\nx,y\n", "The header row cannot be used: the header lacks required column(s)"),
    (HEADER.encode(), "The file has a header row but no data rows."),
    (csv_file(good=0, bad=5), "None of the 5 rows passed validation"),
    (csv_file(good=2000) + b"P9,adult,2024-05-12,\xff\x81\n", "neither UTF-8 nor Windows-1252"),  # past the sniffed head
])
async def test_unusable_files_are_rejected_with_a_reason(h, services, make_provider, content, reason) -> None:
    headers = await make_provider("prov", "CAN")
    upload_id = await h.upload(headers, content)
    await services.validation.on_file_received(await h.file_received(upload_id))
    row = await h.upload_row(upload_id)
    assert row["status"] == "rejected" and reason in row["rejection_reason"]
    assert (await validated(h, upload_id)).outcome == "rejected"
    assert await chunks(h) == []


async def test_windows_1252_file_is_read(h, services, make_provider) -> None:
    headers = await make_provider("prov", "CAN")
    upload_id = await h.upload(headers, csv_file(good=3, encoding="cp1252"))
    await services.validation.on_file_received(await h.file_received(upload_id))
    [(_, chunk)] = await chunks(h)
    assert [r.first_name for r in chunk.records] == ["Zoë"] * 3


async def test_xlsx_file_is_read(h, services, make_provider) -> None:
    headers = await make_provider("prov", "CAN")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet, day = book.add_worksheet(), book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["provider_record_id", "beneficiary_type", "engagement_date", "date_of_birth", "gender",
                           "first_name", "nhs_number"])
    sheet.write_row(1, 0, ["P1", "child"])
    sheet.write_datetime(1, 2, datetime(2024, 5, 12), day)
    sheet.write_datetime(1, 3, datetime(2021, 3, 4), day)
    sheet.write_row(1, 4, ["F", "Amy", 9434765919])
    book.close()
    upload_id = await h.upload(headers, buffer.getvalue())
    await services.validation.on_file_received(await h.file_received(upload_id))
    [(_, chunk)] = await chunks(h)
    record = chunk.records[0]
    assert (record.engagement_date, record.date_of_birth, record.nhs_number) == (
        date(2024, 5, 12), date(2021, 3, 4), "9434765919")


async def test_listed_errors_are_capped(h, services, make_provider) -> None:
    headers = await make_provider("prov", "CAN")
    upload_id = await h.upload(headers, csv_file(good=1500, bad=1200))
    await services.validation.on_file_received(await h.file_received(upload_id))
    state = (await h.client.get(f"/api/v1/uploads/{upload_id}", headers=headers)).json()
    assert state["status"] == "processing"
    assert len(state["errors"]) == 1000 and state["errors_truncated"] is True
    stored = await h.pool.fetchval("SELECT count(*) FROM upload_problems WHERE upload_id = $1", upload_id)
    assert stored == 2401  # 2 per bad row + 1 unknown column
