"""A workbook that needs more memory than the service allows: that upload is refused, saying why; the service
and the uploads validated alongside it carry on. The reading runs under a real RLIMIT_AS
(``leap_uploader.adapters.xlsx_bounded``), so the 3.3 GB the sheet asks for is never allocated."""

from __future__ import annotations

import asyncio
import io

import pytest
import xlsxwriter

from leap_uploader.adapters.xlsx_bounded import bounded_xlsx_rows

pytestmark = pytest.mark.integration

HEADER = ["provider_record_id", "beneficiary_type", "engagement_date", "first_name", "date_of_birth", "gender"]


def workbook(rows: list[list], far_cell: tuple[int, int] | None = None) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    for number, row in enumerate([HEADER, *rows]):
        sheet.write_row(number, 0, row)
    if far_cell:  # one cell far away: calamine holds the whole range in between (about 32 bytes a cell)
        sheet.write(*far_cell, "x")
    book.close()
    return out.getvalue()


def good_rows(n: int) -> list[list]:
    return [[f"P{i}", "child", "2024-05-12", "Zoë", "04/03/2021", "F"] for i in range(n)]


async def test_a_workbook_too_big_for_memory_is_refused_and_the_others_go_on(h, services, make_provider) -> None:
    headers = await make_provider("prov", "CAN")
    huge = workbook(good_rows(3), far_cell=(1_000_000, 99))  # 10 kB on the wire; 100 M cells, 3.3 GB to read
    assert len(huge) < 20_000
    huge_id = await h.upload(headers, huge)
    other_xlsx = await h.upload(headers, workbook(good_rows(1200)))
    other_csv = await h.upload(headers, (",".join(HEADER) + "\nC1,child,2024-05-12,Zoë,04/03/2021,F\n").encode())

    received = [await h.file_received(u) for u in (huge_id, other_xlsx, other_csv)]
    await asyncio.gather(*(services.validation.on_file_received(e) for e in received))

    huge_row = await h.upload_row(huge_id)
    assert huge_row["status"] == "rejected"
    assert huge_row["rejection_reason"].startswith("The workbook needs more memory to read than the platform allows")
    assert [k for k, _ in await h.outbox("restricted.records-validated.v1") if k.startswith(str(huge_id))] == []
    assert [(r["status"], r["rows_accepted"]) for r in [await h.upload_row(u) for u in (other_xlsx, other_csv)]] == [
        ("processing", 1200), ("processing", 1)]


def test_the_child_reads_what_the_process_would() -> None:
    rows = [["a", "b\nc"], [], ["", "Zoë", 3, 2.5]]
    read = list(bounded_xlsx_rows(io.BytesIO(workbook(rows)), max_expanded_bytes=2 ** 31, memory_bytes=256 * 1024 ** 2))
    assert read == [(1, HEADER), (2, ["a", "b\nc", "", "", "", ""]), (3, [""] * 6), (4, ["", "Zoë", "3", "2.5", "", ""])]
