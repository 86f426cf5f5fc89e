"""Postcode to ward lookup table, in the ONS Postcode Directory's CSV layout.

Load with ``python -m leap_pseudonymiser.wards ONSPD.csv [--names WARD_NAMES.csv]``:
the ONSPD file needs columns ``pcds`` and ``osward``; the optional names file
(ONS 'Ward names and codes') gives ``WDxxCD``/``WDxxNM`` columns.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

import asyncpg

from leap_contracts.pseudonymisation import NormalisationFinding, normalise_postcode


async def lookup(conn: asyncpg.Connection, postcodes: Iterable[str]) -> dict[str, tuple[str, str]]:
    rows = await conn.fetch(
        "SELECT postcode, ward_code, ward_name FROM postcode_ward WHERE postcode = ANY($1::text[])",
        list(set(postcodes)),
    )
    return {r["postcode"]: (r["ward_code"], r["ward_name"]) for r in rows}


def _ward_names(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        code = next(c for c in reader.fieldnames or [] if c.upper().startswith("WD") and c.upper().endswith("CD"))
        name = next(c for c in reader.fieldnames or [] if c.upper().startswith("WD") and c.upper().endswith("NM"))
        return {row[code]: row[name] for row in reader}


def read_onspd(path: Path, names: Path | None = None) -> Iterator[tuple[str, str, str | None]]:
    ward_names = _ward_names(names)
    with path.open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            try:
                postcode = normalise_postcode(row["pcds"])
            except NormalisationFinding:
                continue
            if row.get("osward"):
                yield postcode, row["osward"], ward_names.get(row["osward"]) or row.get("osward_name") or None


async def load(conn: asyncpg.Connection, rows: Iterable[tuple[str, str, str | None]]) -> int:
    """Replace the table's contents in one transaction."""
    data = list(rows)
    async with conn.transaction():
        await conn.execute("TRUNCATE postcode_ward")
        await conn.copy_records_to_table("postcode_ward", records=data, columns=["postcode", "ward_code", "ward_name"])
    return len(data)
