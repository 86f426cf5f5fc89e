"""Per-service file layout: which columns, how headers are spelt, column
order, and the file format/encoding.

Columns are drawn from one seeded stream and formats from another, so
`--formats csv` and `--formats mixed` give the same logical data (and truth).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from leap_tools.generator.catalogue import ADULT_AUDIENCES, BY_CODE, CHILD_AUDIENCES, SERVICES, Service

STANDARD_COLUMNS = (
    "provider_record_id", "beneficiary_type", "nhs_number", "first_name", "last_name",
    "date_of_birth", "gender", "email", "mobile", "primary_carer_email",
    "primary_carer_mobile", "postcode", "ethnicity", "first_language",
    "engagement_date", "engagement_type", "attended",
)
EXTRA_COLUMN = "notes"
XLSX_MAX_TARGET_ROWS = 5_000_000  # keeps every sheet far below Excel's 1,048,576 rows
XLSX_MAX_VOLUME = 4.5  # XLSX for the small providers only (xlsxwriter costs ~25x csv per row)

CSV_UTF8, CSV_BOM, CSV_1252, XLSX = "csv-utf-8", "csv-utf-8-sig", "csv-cp1252", "xlsx"
FORMAT_KINDS = {  # kind -> (format, encoding)
    CSV_UTF8: ("csv", "utf-8"),
    CSV_BOM: ("csv", "utf-8-sig"),
    CSV_1252: ("csv", "cp1252"),
    XLSX: ("xlsx", None),
}


@dataclass(slots=True)
class FileLayout:
    service: str
    columns: list[str]  # logical names in file order (standard names + extra)
    headers: list[str]  # as written in the header row
    kind: str = CSV_UTF8

    @property
    def format(self) -> str:
        return FORMAT_KINDS[self.kind][0]

    @property
    def encoding(self) -> str | None:
        return FORMAT_KINDS[self.kind][1]

    @property
    def filename(self) -> str:
        return f"{self.service}.{'xlsx' if self.format == 'xlsx' else 'csv'}"

    @property
    def unknown_columns(self) -> list[str]:
        return [c for c in self.columns if c not in STANDARD_COLUMNS]


def _columns(rng: random.Random, service: Service) -> list[str]:
    has_child = service.audience in CHILD_AUDIENCES
    has_adult = service.audience in ADULT_AUDIENCES
    wanted = {
        "provider_record_id": True,
        "beneficiary_type": True,
        "engagement_date": True,
        "nhs_number": service.nhs or rng.random() < 0.3,
        "first_name": has_child or rng.random() < 0.75,
        "date_of_birth": has_child or rng.random() < 0.35,
        "gender": has_child or rng.random() < 0.35,
        "email": has_adult,
        "mobile": has_adult,
        "primary_carer_email": has_child,
        "primary_carer_mobile": has_child and rng.random() < 0.6,
        "last_name": rng.random() < 0.55,
        "postcode": rng.random() < 0.85,
        "ethnicity": rng.random() < 0.55,
        "first_language": rng.random() < 0.45,
        "engagement_type": rng.random() < 0.7,
        "attended": rng.random() < 0.7,
        EXTRA_COLUMN: rng.random() < 0.35,
    }
    columns = [c for c, keep in wanted.items() if keep]
    rng.shuffle(columns)
    return columns


def _spell(rng: random.Random, column: str) -> str:
    roll = rng.random()
    if roll < 0.5:
        text = column
    elif roll < 0.7:
        text = column.upper()
    elif roll < 0.9:
        text = "_".join(part.capitalize() for part in column.split("_"))
    else:
        text = column.capitalize()
    if rng.random() < 0.15:
        text = " " * rng.randint(1, 2) + text + " " * rng.randint(0, 2)
    return text


def _assign_formats(rng: random.Random, layouts: list[FileLayout], target_rows: int) -> None:
    def allowed(layout: FileLayout, kind: str) -> bool:
        if kind == CSV_1252:  # surnames include text Windows-1252 cannot encode
            return "last_name" not in layout.columns
        if kind == XLSX:
            small = BY_CODE[layout.service].volume <= XLSX_MAX_VOLUME
            return small and target_rows <= XLSX_MAX_TARGET_ROWS
        return True

    kinds = list(FORMAT_KINDS)
    for layout in layouts:
        kind = rng.choices(kinds, (0.35, 0.2, 0.2, 0.25))[0]
        layout.kind = kind if allowed(layout, kind) else CSV_UTF8
    for kind in kinds[1:]:  # every kind at least once where some file allows it
        if all(layout.kind != kind for layout in layouts):
            spare = [lay for lay in layouts if lay.kind == CSV_UTF8 and allowed(lay, kind)]
            if spare:
                rng.choice(spare).kind = kind


def plan_layouts(seed: int, formats: str, target_rows: int) -> dict[str, FileLayout]:
    column_rng = random.Random(f"layout:{seed}")
    layouts = []
    for service in SERVICES:
        columns = _columns(column_rng, service)
        layouts.append(FileLayout(service.code, columns, [_spell(column_rng, c) for c in columns]))
    if formats == "mixed":
        _assign_formats(random.Random(f"formats:{seed}"), layouts, target_rows)
    elif formats != "csv":
        raise ValueError(f"unknown formats {formats!r}: use 'mixed' or 'csv'")
    return {layout.service: layout for layout in layouts}
