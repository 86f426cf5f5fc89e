"""Postcode to ward lookup table, in the ONS Postcode Directory's CSV layout.

Load with ``python -m leap_pseudonymiser.wards ONSPD.csv [--names WARD_NAMES.csv]``:
the ONSPD file needs columns ``pcds`` and ``osward``; the optional names file
(ONS 'Ward names and codes') gives ``WDxxCD``/``WDxxNM`` columns.
"""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from leap_pseudonymiser.onspd import read_onspd  # noqa: F401  (the loader's input; pure, shared with the tool)


async def lookup(conn: asyncpg.Connection, postcodes: Iterable[str]) -> dict[str, tuple[str, str]]:
    rows = await conn.fetch(
        "SELECT postcode, ward_code, ward_name FROM postcode_ward WHERE postcode = ANY($1::text[])",
        list(set(postcodes)),
    )
    return {r["postcode"]: (r["ward_code"], r["ward_name"]) for r in rows}


async def load(conn: asyncpg.Connection, rows: Iterable[tuple[str, str, str | None]]) -> int:
    """Replace the table's contents in one transaction."""
    data = list(rows)
    async with conn.transaction():
        await conn.execute("TRUNCATE postcode_ward")
        await conn.copy_records_to_table("postcode_ward", records=data, columns=["postcode", "ward_code", "ward_name"])
    return len(data)
