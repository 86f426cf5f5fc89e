"""Tables as CSV and XLSX files that are safe to open in Excel (no formula injection)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from leap_reporter.domain.tables import Table

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that Excel could read as a formula gets a leading quote; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def visible(table: Table) -> tuple[list[str], list[list]]:
    keep = [i for i, c in enumerate(table.columns) if c != "key"]
    header = [safe_cell(table.columns[i]) for i in keep]
    return header, [[safe_cell(row[i]) for i in keep] for row in table.rows]


def freshness_headers(table: Table) -> dict[str, str]:
    """When the data of an export is from, for scripts (a CSV has no place for it inside the file)."""
    return {"X-Data-As-Of": table.as_of.isoformat() if table.as_of else "",
            "X-Data-Up-To-Date": str(table.up_to_date).lower()}


def to_csv(table: Table) -> bytes:
    """UTF-8 with a BOM, so Excel reads the accents and symbols right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header, rows = visible(table)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def to_xlsx(table: Table) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name[:31])
    header, rows = visible(table)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if table.suppressed:
        sheet.append([])
        sheet.append(["* = 1 to 7, or hidden so that a total cannot reveal it; other counts rounded to the nearest 5."])
    if table.as_of is not None:
        sheet.append([table.freshness_note() or f"Figures as of {table.as_of:%Y-%m-%d %H:%M:%S} UTC."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
