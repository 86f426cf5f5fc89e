"""Read the postcode-to-ward table in the ONS Postcode Directory's CSV layout (pure, no database).

The service loads it into ``postcode_ward``; the at-source tool reads the same
file into memory. Needed columns: ``pcds`` and ``osward``; the optional names
file (ONS 'Ward names and codes') gives ``WDxxCD``/``WDxxNM`` columns.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from leap_contracts.pseudonymisation import NormalisationFinding, normalise_postcode


def _ward_names(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        code = next(c for c in reader.fieldnames or [] if c.upper().startswith("WD") and c.upper().endswith("CD"))
        name = next(c for c in reader.fieldnames or [] if c.upper().startswith("WD") and c.upper().endswith("NM"))
        return {row[code]: row[name] for row in reader}


def read_onspd(path: Path, names: Path | None = None) -> Iterator[tuple[str, str, str | None]]:
    """(canonical postcode, ward code, ward name or None) for each live row with a ward."""
    ward_names = _ward_names(names)
    with path.open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            try:
                postcode = normalise_postcode(row["pcds"])
            except NormalisationFinding:
                continue
            if row.get("osward"):
                yield postcode, row["osward"], ward_names.get(row["osward"]) or row.get("osward_name") or None


def ward_table(path: Path, names: Path | None = None) -> dict[str, tuple[str, str]]:
    """The whole table in memory: canonical postcode -> (ward code, ward name or '')."""
    return {postcode: (code, name or "") for postcode, code, name in read_onspd(path, names)}
