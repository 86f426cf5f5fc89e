"""Bad rows (rejected under the rules) and findings (accepted with a warning).

A defect is injected into a row at a known rate and recorded on the row, so
the truth counts rejections from the generator's own knowledge. Rows that
already carry a finding are never made bad, so a warning is always on an
accepted row and every rejected row has exactly one reason.
"""

from __future__ import annotations

import random

from leap_tools.generator import identifiers as ids
from leap_tools.generator.model import Row

REJECTION_COLUMN = {
    "missing_provider_record_id": "provider_record_id",
    "missing_engagement_date": "engagement_date",
    "invalid_engagement_date": "engagement_date",
    "invalid_beneficiary_type": "beneficiary_type",
    "missing_first_name": "first_name",
    "missing_date_of_birth": "date_of_birth",
}
REASONS = tuple(REJECTION_COLUMN)
_ADULT_REASONS = REASONS[:4]
WARNING_KINDS = ("invalid_nhs_number", "junk_nhs_number", "placeholder_email", "junk_mobile")

BAD_DATES = ("31/02/2024", "yesterday", "2024-02-30", "32/01/2025", "2025-13-01", "TBC", "00/00/0000")
BAD_BENEFICIARY_TYPES = ("staff", "unknown", "N/A", "professional", "volunteer", "Other")


def warnings_of(row: Row) -> list[str]:
    """The findings a row raises (each kind at most once per row)."""
    found = []
    nhs = ids.nhs_warning(row.nhs)
    if nhs:
        found.append(nhs)
    placeholders = ids.PLACEHOLDER_EMAILS
    if row.email in placeholders or row.carer_email in placeholders:
        found.append("placeholder_email")
    if row.mobile in ids.JUNK_MOBILES or row.carer_mobile in ids.JUNK_MOBILES:
        found.append("junk_mobile")
    return found


def inject_defects(rng: random.Random, rows: list[Row], rate: float) -> None:
    """Mark about `rate` of the rows with one reason for rejection."""
    for row in rows:
        if rng.random() >= rate or warnings_of(row):
            continue
        reasons = REASONS if row.kind == "child" else _ADULT_REASONS
        row.defect = reasons[rng.randrange(len(reasons))]
