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
    return bomb_problem(entries, max_expanded_bytes)


MAX_COMPRESSION_RATIO = 200
"""Real sheets compress 5-30x; a part that claims more (and is over 1 MB unpacked) is a zip bomb."""
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024
"""The shared-strings table is held in memory whole while the sheet is read."""
MAX_ENTRIES = 10_000


def bomb_problem(entries: list[zipfile.ZipInfo], max_expanded_bytes: int) -> str | None:
    """Refuse a workbook from its zip directory alone, before anything is unpacked."""
    too_big = "the workbook expands to more data than the platform accepts: split it into smaller files"
    if len(entries) > MAX_ENTRIES:
        return "the workbook has too many parts to be a normal spreadsheet: save it again as .xlsx"
    if sum(e.file_size for e in entries) > max_expanded_bytes:
        return too_big
    for e in entries:
        if e.file_size > 1024 * 1024 and e.file_size > MAX_COMPRESSION_RATIO * max(e.compress_size, 1):
            return ("the workbook is compressed far more than real spreadsheets are (a zip bomb?): "
                    "save it again as .xlsx or upload a CSV")
        if e.filename.lower() == "xl/sharedstrings.xml" and e.file_size > MAX_SHARED_STRINGS_BYTES:
            return too_big
    return None


def xlsx_rows(source: BinaryIO, max_expanded_bytes: int, sheet: str | None = None) -> Rows:
    """Rows of the first sheet (or the one named); dates as YYYY-MM-DD, whole numbers without ``.0``."""
    problem = workbook_problem(source, max_expanded_bytes)
    if problem:
        raise FileRejected(problem[0].upper() + problem[1:] + ".")
    try:
        workbook = CalamineWorkbook.from_filelike(source)
        if not workbook.sheet_names:
            raise FileRejected("The workbook has no sheets.")
        if sheet is not None and sheet not in workbook.sheet_names:
            raise FileRejected(f"The workbook has no sheet named '{sheet}' (the mapping reads that sheet); "
                               "rename the sheet or ask for the mapping to be changed.")
        chosen = workbook.get_sheet_by_name(sheet) if sheet is not None else workbook.get_sheet_by_index(0)
        rows = chosen.iter_rows()
    except FileRejected:
        raise
    except Exception:  # calamine raises its own error types; their text may quote cell content
        raise FileRejected("The file cannot be read as an XLSX workbook; "
                           "open it in Excel and save it as .xlsx again.") from None
    for number, values in enumerate(rows, 1):  # calamine pads leading empty rows, so numbers match the sheet
        yield number, [v if type(v) is str else cell_text(v) for v in values]
