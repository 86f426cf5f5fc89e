"""Stream a provider file's rows: CSV (UTF-8, UTF-8 with BOM, Windows-1252) or XLSX (first sheet)."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

_SCAN_BYTES = 1 << 20
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


class UnreadableFile(ValueError):
    """The file cannot be read as CSV or XLSX; the message says why, never a value."""


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` / ``utf-8`` when the whole file is valid UTF-8, else ``cp1252`` (Excel's CSV export)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    cp1252_ok = True
    with path.open("rb") as f:
        head = f.read(3)
        f.seek(0)
        try:
            while chunk := f.read(_SCAN_BYTES):
                if cp1252_ok and not _CP1252_UNDEFINED.isdisjoint(chunk):
                    cp1252_ok = False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig" if head == codecs.BOM_UTF8 else "utf-8"
        except UnicodeDecodeError:
            pass
        while cp1252_ok and (chunk := f.read(_SCAN_BYTES)):
            cp1252_ok = _CP1252_UNDEFINED.isdisjoint(chunk)
    if not cp1252_ok:
        raise UnreadableFile("the file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8")
    return "cp1252"


def read_rows(path: Path) -> Iterator[list[str]]:
    """Every row (header first) as text cells; CSV streams in constant memory."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path)
        return
    with path.open(newline="", encoding=detect_encoding(path)) as f:
        yield from csv.reader(f)


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    except Exception as exc:  # calamine raises its own types for corrupt files
        raise UnreadableFile(f"the XLSX file cannot be opened ({type(exc).__name__})") from None
    for row in sheet.iter_rows():
        yield [_cell_text(c) for c in row]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
