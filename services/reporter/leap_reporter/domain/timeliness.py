"""Late and missing monthly uploads (no I/O).

Providers upload a file per service each month. For each provider and service:

- **missing months**: calendar months from the first month any of its uploads
  covers up to the last complete month (the month before ``today``) in which
  no accepted engagement falls;
- **late upload**: validated more than ``grace_days`` after the end of the last
  month its engagements cover.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta


def month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def missing_months(covered: Iterable[date], today: date) -> list[date]:
    months = sorted({date(m.year, m.month, 1) for m in covered})
    if not months:
        return []
    this_month = date(today.year, today.month, 1)
    missing, month = [], months[0]
    while month < this_month:
        if month not in months:
            missing.append(month)
        month = month_after(month)
    return missing


def is_late(last_engagement: date | None, validated_at: datetime | None, grace_days: int) -> bool:
    if last_engagement is None or validated_at is None:
        return False
    month_end = month_after(date(last_engagement.year, last_engagement.month, 1)) - timedelta(days=1)
    due = month_end + timedelta(days=grace_days)
    return validated_at.date() > due
