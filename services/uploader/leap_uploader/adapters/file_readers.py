"""Read a provider's file as numbered rows of text cells, streaming where the format allows.

Row numbers are the file's own (what a spreadsheet shows): the first row is 1.
Anything that makes the whole file unreadable raises ``FileRejected`` with a
one-sentence reason that names no cell value.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from python_calamine import CalamineWorkbook

from leap_uploader.domain.cells import cell_text
from leap_uploader.domain.encoding import UndecodableText, detect_encoding
from leap_uploader.domain.validation import FileRejected

Rows = Iterator[tuple[int, list[str]]]
_READ = 1024 * 1024


def csv_rows(source: BinaryIO) -> Rows:
    source.seek(0)
    try:
        encoding = detect_encoding(iter(lambda: source.read(_READ), b""))
    except UndecodableText as exc:
        raise FileRejected(f"The file cannot be read as text ({exc}); save it as CSV UTF-8 and upload it again.") from None
    source.seek(0)
    text = io.TextIOWrapper(source, encoding=encoding, newline="")
    reader = csv.reader(text)
    number = 0
    try:
        for number, cells in enumerate(reader, 1):
            yield number, cells
    except csv.Error:
        raise FileRejected(f"The CSV cannot be read at row {number + 1} (unbalanced quotes or an over-long cell); "
                           "check that row and save the file as CSV again.") from None
    finally:
        text.detach()


def workbook_problem(source: BinaryIO, max_expanded_bytes: int) -> str | None:
    """Why a zip file is not a usable XLSX workbook (None when it looks like one), from its directory alone."""
    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "the file is a damaged zip archive, not an XLSX workbook: open it in Excel and save it as .xlsx again"
    finally:
        source.seek(0)
    if not any(e.filename == "xl/workbook.xml" for e in entries):
        return "the file is a zip archive but not an XLSX workbook: upload an .xlsx workbook or a CSV file"
    if sum(e.file_size for e in entries) > max_expanded_bytes:
        return "the workbook expands to more data than the platform accepts: split it into smaller files"
    return None


def xlsx_rows(source: BinaryIO, max_expanded_bytes: int) -> Rows:
    """Rows of the first sheet; dates as YYYY-MM-DD, whole numbers without ``.0``."""
    problem = workbook_problem(source, max_expanded_bytes)
    if problem:
        raise FileRejected(problem[0].upper() + problem[1:] + ".")
    try:
        workbook = CalamineWorkbook.from_filelike(source)
        if not workbook.sheet_names:
            raise FileRejected("The workbook has no sheets.")
        rows = workbook.get_sheet_by_index(0).iter_rows()
    except FileRejected:
        raise
    except Exception:  # calamine raises its own error types; their text may quote cell content
        raise FileRejected("The file cannot be read as an XLSX workbook; "
                           "open it in Excel and save it as .xlsx again.") from None
    for number, values in enumerate(rows, 1):  # calamine pads leading empty rows, so numbers match the sheet
        yield number, [v if type(v) is str else cell_text(v) for v in values]
