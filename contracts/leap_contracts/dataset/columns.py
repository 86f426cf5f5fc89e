"""The standard dataset's columns and how a file's header row is read."""

from __future__ import annotations

from dataclasses import dataclass

COLUMNS: tuple[str, ...] = (
    "provider_record_id",
    "beneficiary_type",
    "nhs_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "email",
    "mobile",
    "primary_carer_email",
    "primary_carer_mobile",
    "postcode",
    "ethnicity",
    "first_language",
    "engagement_date",
    "engagement_type",
    "attended",
)

REQUIRED_COLUMNS: tuple[str, ...] = ("provider_record_id", "beneficiary_type", "engagement_date")


class HeaderProblem(ValueError):
    """The header makes the whole file unusable."""


@dataclass(frozen=True)
class Header:
    positions: dict[str, int]
    """Standard column -> index in the row."""
    unknown: tuple[str, ...]
    """Header names that are neither standard nor mapped (their values are never read)."""


def read_header(cells: list[str]) -> Header:
    """Match header names case-insensitively, ignoring surrounding spaces (and a BOM)."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        name = cell.replace("\ufeff", "").strip().lower()
        if not name:
            continue
        if name in COLUMNS:
            if name in positions:
                raise HeaderProblem(f"column '{name}' appears twice in the header "
                                    f"(columns {positions[name] + 1} and {index + 1})")
            positions[name] = index
        else:
            unknown.append(cell.strip())
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        raise HeaderProblem(
            "the header lacks required column(s) " + ", ".join(missing)
            + "; the first row must name the standard dataset's columns"
        )
    return Header(positions, tuple(unknown))
