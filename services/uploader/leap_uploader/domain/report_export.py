"""A validation report as rows, and as CSV or XLSX that is safe to open in Excel (no formula injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import xlsxwriter

HEADER = ("row", "column", "value", "severity", "problem", "how to fix")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def excel_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading single quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def report_rows(problems: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    rows = []
    for p in problems:
        problem, _, fix = p["message"].partition(": ")
        if not fix:
            problem, fix = p["message"], _default_fix(p)
        rows.append((p["row"], p["column"], p["value"], p["severity"], problem, fix))
    return rows


def _default_fix(problem: Mapping[str, Any]) -> str:
    if problem["severity"] == "warning":
        return "no action needed for the row to be kept; correct the value to let it link records"
    return "correct the value in your file and upload it again"


def to_csv(rows: Sequence[tuple[Any, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(["" if v is None else excel_safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Sequence[tuple[Any, ...]]) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("problems")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, HEADER, bold)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(excel_safe(value)))
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 3, 22)
    sheet.set_column(4, 5, 60)
    workbook.close()
    return out.getvalue()
