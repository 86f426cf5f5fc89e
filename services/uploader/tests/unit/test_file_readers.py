import codecs
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter

from leap_uploader.adapters.file_readers import csv_rows, workbook_problem, xlsx_rows
from leap_uploader.domain.validation import FileRejected

GIB = 1024 ** 3


def test_csv_utf8_with_bom_reads_header_without_the_mark() -> None:
    data = codecs.BOM_UTF8 + "provider_record_id,first_name\r\nP1,Zoë\r\n".encode()
    assert list(csv_rows(io.BytesIO(data))) == [(1, ["provider_record_id", "first_name"]), (2, ["P1", "Zoë"])]


def test_csv_windows_1252_is_decoded() -> None:
    data = "id,first_name\nP1,Zoë\nP2,Siân\n".encode("cp1252")
    rows = list(csv_rows(io.BytesIO(data)))
    assert rows[1] == (2, ["P1", "Zoë"]) and rows[2] == (3, ["P2", "Siân"])


def test_csv_row_numbers_count_records_not_lines() -> None:
    data = b'id,note\nP1,"two\nlines"\n\nP2,x\n'
    assert [(n, cells) for n, cells in csv_rows(io.BytesIO(data))] == [
        (1, ["id", "note"]), (2, ["P1", "two\nlines"]), (3, []), (4, ["P2", "x"])]


def test_undecodable_csv_is_rejected_with_a_reason() -> None:
    with pytest.raises(FileRejected, match="CSV UTF-8"):
        list(csv_rows(io.BytesIO(b"id\n\xff\x81\n")))


def make_xlsx(path: Path, rows: list[list[object]], start_row: int = 0) -> bytes:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows, start_row):
        for c, value in enumerate(row):
            if isinstance(value, date):
                when = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
                sheet.write_datetime(r, c, when, day)
            elif value is not None:
                sheet.write(r, c, value)
    book.add_worksheet("second").write(0, 0, "ignored")
    book.close()
    return path.read_bytes()


def test_xlsx_first_sheet_cells_as_text(tmp_path: Path) -> None:
    data = make_xlsx(tmp_path / "f.xlsx", [
        ["provider_record_id", "nhs_number", "date_of_birth", "attended", "score"],
        ["P1", 9434765919, date(2021, 3, 4), True, 2.5],
        [17, None, datetime(2024, 5, 12, 10, 30), False, 3],
    ])
    assert list(xlsx_rows(io.BytesIO(data), GIB)) == [
        (1, ["provider_record_id", "nhs_number", "date_of_birth", "attended", "score"]),
        (2, ["P1", "9434765919", "2021-03-04", "true", "2.5"]),
        (3, ["17", "", "2024-05-12", "false", "3"]),
    ]


def test_xlsx_row_numbers_match_the_sheet_when_it_starts_lower(tmp_path: Path) -> None:
    data = make_xlsx(tmp_path / "f.xlsx", [["id"], ["P1"]], start_row=2)
    rows = [(n, cells) for n, cells in xlsx_rows(io.BytesIO(data), GIB) if any(cells)]
    assert rows == [(3, ["id"]), (4, ["P1"])]


def test_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "not an XLSX workbook" in workbook_problem(buffer, GIB)
    with pytest.raises(FileRejected, match="not an XLSX workbook"):
        list(xlsx_rows(buffer, GIB))


def test_workbook_expanding_past_the_limit_is_refused(tmp_path: Path) -> None:
    data = make_xlsx(tmp_path / "f.xlsx", [["id"]] + [["x" * 100] for _ in range(100)])
    assert "expands to more data" in workbook_problem(io.BytesIO(data), 1000)


def test_damaged_zip_is_refused() -> None:
    assert "damaged zip" in workbook_problem(io.BytesIO(b"PK\x03\x04" + b"\x00" * 50), GIB)
