"""Read a generated file back in its declared format and encoding (tests only)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl


def read_table(path: Path, fmt: str, encoding: str | None) -> tuple[list[str], list[list]]:
    """Header cells and data rows; XLSX blanks become "" and date cells `date`."""
    if fmt == "xlsx":
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            rows = book.worksheets[0].iter_rows(values_only=True)
            header = [str(c) for c in next(rows)]
            data = [[_cell(c) for c in row] + [""] * (len(header) - len(row)) for row in rows]
        finally:
            book.close()
        return header, data
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def read_records(path: Path, fmt: str, encoding: str | None) -> list[dict]:
    """Rows as dicts keyed by header name stripped and lowercased (the spec's matching)."""
    header, data = read_table(path, fmt, encoding)
    keys = [h.strip().lower() for h in header]
    return [dict(zip(keys, row, strict=True)) for row in data]
