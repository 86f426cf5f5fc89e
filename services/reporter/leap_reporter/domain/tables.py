"""A published table: what every figure becomes before it is shown, exported or sent as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    note: str = ""
    suppressed: bool = True
    extra: dict = field(default_factory=dict)
    as_of: datetime | None = None  # when the data is from (everything committed before it is in)
    up_to_date: bool = True  # False: answered from an earlier snapshot while newer data is being added

    def as_json(self) -> dict:
        return {"name": self.name, "title": self.title, "columns": list(self.columns),
                "rows": [list(r) for r in self.rows], "note": self.note, "suppressed": self.suppressed,
                "as_of": self.as_of.isoformat() if self.as_of else None, "up_to_date": self.up_to_date,
                **self.extra}

    def freshness_note(self) -> str:
        """What the dashboard and the exports say about an answer that is not up to date ("" otherwise)."""
        if self.up_to_date or self.as_of is None:
            return ""
        return f"Figures as of {self.as_of:%H:%M:%S} UTC; newer data is being added."
