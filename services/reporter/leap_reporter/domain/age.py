"""Age band at first contact, from the month of birth and the first attended engagement (no I/O).

The same bands are turned into SQL by :func:`age_band_sql`, so the database and
this module always agree (a unit test checks both on the same cases).
"""

from __future__ import annotations

from datetime import date

NOT_RECORDED = "not recorded"
BANDS: tuple[tuple[int, str], ...] = (
    (0, "before birth"),
    (12, "0-11 months"),
    (24, "1 year"),
    (36, "2 years"),
    (48, "3 years"),
    (60, "4 years"),
)
OVER = "5 years and over"
ALL_BANDS: tuple[str, ...] = (*(label for _, label in BANDS), OVER, NOT_RECORDED)


def age_band(birth_month: str | None, first_contact: date) -> str:
    """``birth_month`` is ``YYYY-MM``; months are whole calendar months between the two."""
    if not birth_month:
        return NOT_RECORDED
    months = first_contact.year * 12 + first_contact.month - (int(birth_month[:4]) * 12 + int(birth_month[5:7]))
    for limit, label in BANDS:
        if months < limit:
            return label
    return OVER


def age_band_sql(birth_month: str, first_contact: str) -> str:
    """The same rule as a SQL expression over two column expressions (text ``YYYY-MM`` and date)."""
    months = (f"((extract(year FROM {first_contact})::int * 12 + extract(month FROM {first_contact})::int) - "
              f"(substr({birth_month}, 1, 4)::int * 12 + substr({birth_month}, 6, 2)::int))")
    whens = " ".join(f"WHEN {months} < {limit} THEN '{label}'" for limit, label in BANDS)
    return f"CASE WHEN {birth_month} IS NULL THEN '{NOT_RECORDED}' {whens} ELSE '{OVER}' END"
