"""A published table: what every figure becomes before it is shown, exported or sent as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""
    suppressed: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    as_of: datetime | None = None  # when the data is from (everything committed before it is in)
    up_to_date: bool = True  # False: data is on its way into the figures, or they come from an earlier snapshot
    waiting_uploads: int = 0  # uploads received and not yet counted (or withdrawals not yet applied)
    waiting_events: int | None = 0  # events published and not yet applied (None: unknown)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "columns": list(self.columns),
                "rows": [list(r) for r in self.rows], "note": self.note, "suppressed": self.suppressed,
                "as_of": self.as_of.isoformat() if self.as_of else None, "up_to_date": self.up_to_date,
                "not_yet_counted": {"uploads": self.waiting_uploads, "events": self.waiting_events}, **self.extra}

    def freshness_note(self) -> str:
        """What the dashboard and the exports say about an answer that is not up to date ("" otherwise)."""
        if self.up_to_date or self.as_of is None:
            return ""
        return updating_note(self.waiting_uploads, self.waiting_events, self.as_of)


def updating_note(uploads: int, events: int | None, as_of: datetime) -> str:
    """"Updating: 3 uploads and 120 events not yet counted; figures as of 14:02:31 UTC." """
    waiting = [f"{uploads} upload{'s' * (uploads != 1)}"] if uploads else []
    if events:
        waiting.append(f"{events} event{'s' * (events != 1)}")
    elif events is None:
        waiting.append("events (the broker is not answering)")
    what = " and ".join(waiting) + " not yet counted" if waiting else "newer data is being indexed"
    return f"Updating: {what}; figures as of {as_of:%H:%M:%S} UTC."
