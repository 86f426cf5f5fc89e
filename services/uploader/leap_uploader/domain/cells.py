"""Spreadsheet cell values as the text a CSV export would hold."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta


def cell_text(value: object) -> str:
    """Dates as ``YYYY-MM-DD``, whole numbers without ``.0``, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):  # before date: datetime is a date
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)
