"""A published return as one CSV and one XLSX file: a heading block (what, which period, data as of, how it is
disclosed), then every table. Made once at publication; the stored bytes are what every download serves.
Cells go through the exports' formula guard (``adapters.export.safe_cell``). No names of people: the
publisher is recorded in the manifest, not in the files."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from leap_reporter.adapters.export import safe_cell, visible
from leap_reporter.domain.tables import Table

SUPPRESSION_NOTE = ("* = 1 to 7, or hidden so that a total cannot reveal it; other counts rounded to the nearest "
                    "5; totals rounded on their own.")


def heading(manifest: dict) -> list[list[str]]:
    """The lines above the tables: the return, its period, when its data is from, and the disclosure."""
    suppression = manifest["suppression"]
    mark = manifest["watermark"]
    lines = [["Return", manifest["name"]],
             ["Period", f"{manifest['period']['from']} to {manifest['period']['to']}"],
             ["Published at (UTC)", manifest["published_at"]],
             ["Data as of (UTC)", mark["as_of"]],
             ["Publication id", manifest["publication_id"]],
             ["Small-number suppression", SUPPRESSION_NOTE if suppression["enabled"] else "off: exact counts"]]
    if mark["as_of_label"]:
        lines.append(["Not up to date", mark["as_of_label"]])
    return [[safe_cell(c) for c in line] for line in lines]


def to_csv(manifest: dict, tables: list[Table]) -> bytes:
    """UTF-8 with a BOM; the heading block, then each table under its title, a blank line between."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(heading(manifest))
    for table in tables:
        header, rows = visible(table)
        writer.writerow([])
        writer.writerow([safe_cell(table.title)])
        writer.writerow(header)
        writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def to_xlsx(manifest: dict, tables: list[Table]) -> bytes:
    """A "Return" sheet with the heading block, then one sheet per table (named after the figure)."""
    book = Workbook(write_only=True)
    cover = book.create_sheet("Return")
    for line in heading(manifest):
        cover.append(line)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        header, rows = visible(table)
        sheet.append([safe_cell(table.title)])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
