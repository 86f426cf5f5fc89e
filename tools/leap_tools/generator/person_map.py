"""`persons.csv`: which generated person each service record is about.

One line per (service, provider_record_id), written only on request (the
linkage-quality benchmark scores a linkage against it). A provider record id
belongs to one person in one service, so this is the key of every row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from leap_tools.generator.model import Row

FILENAME = "persons.csv"
HEADER = ("service", "provider_record_id", "person")


class PersonMap:
    def __init__(self, out: Path) -> None:
        self._handle = (out / FILENAME).open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(HEADER)

    def add_family(self, rows: Iterable[Row]) -> None:
        seen: dict[tuple[str, str], int] = {}
        for row in rows:
            seen.setdefault((row.service, row.prid), row.person)
        self._writer.writerows((s, p, person) for (s, p), person in seen.items())

    def close(self) -> None:
        self._handle.close()


def read_person_map(folder: Path) -> dict[tuple[str, str], int]:
    with (Path(folder) / FILENAME).open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return {(s, p): int(person) for s, p, person in reader}
