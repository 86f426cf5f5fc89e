"""The postcode-to-ward lookup table (``postcode_ward``): what a chunk's postcodes are placed with, and
loading it whole (``python -m leap_pseudonymiser.cli.load_wards``, from the ONSPD file ``leap_pseudonymiser.adapters.onspd_file``
reads)."""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg


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
