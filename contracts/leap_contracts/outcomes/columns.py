"""The outcomes dataset's columns and how an outcome file's header row is read."""

from __future__ import annotations

from dataclasses import dataclass

from leap_contracts.dataset.columns import HeaderProblem

OUTCOME_COLUMNS: tuple[str, ...] = (
    "provider_record_id",
    "nhs_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "primary_carer_email",
    "primary_carer_mobile",
    "postcode",
    "measure",
    "measured_on",
    "result",
)

REQUIRED_OUTCOME_COLUMNS: tuple[str, ...] = ("provider_record_id", "date_of_birth", "measure", "measured_on", "result")


@dataclass(frozen=True)
class OutcomeHeader:
    positions: dict[str, int]
    unknown: tuple[str, ...]


def read_outcome_header(cells: list[str]) -> OutcomeHeader:
    """As the standard dataset's header: names matched case-insensitively, ignoring spaces and a BOM."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        name = cell.replace("\ufeff", "").strip().lower()
        if not name:
            continue
        if name in OUTCOME_COLUMNS:
            if name in positions:
                raise HeaderProblem(f"column '{name}' appears twice in the header (columns {positions[name] + 1} "
                                    f"and {index + 1})")
            positions[name] = index
        else:
            unknown.append(cell.strip())
    missing = [c for c in REQUIRED_OUTCOME_COLUMNS if c not in positions]
    if missing:
        raise HeaderProblem("the header lacks required column(s) " + ", ".join(missing)
                            + "; the first row must name the outcomes dataset's columns")
    return OutcomeHeader(positions, tuple(unknown))
