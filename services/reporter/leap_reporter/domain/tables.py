"""A published table: what every figure becomes before it is shown, exported or sent as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    note: str = ""
    suppressed: bool = True
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"name": self.name, "title": self.title, "columns": list(self.columns),
                "rows": [list(r) for r in self.rows], "note": self.note, "suppressed": self.suppressed,
                **self.extra}
