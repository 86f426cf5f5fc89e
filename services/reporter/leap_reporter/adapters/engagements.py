"""Engagement rows of the read model: one per matched record, written set-based."""

from __future__ import annotations

import asyncpg

from leap_contracts.events import RecordsMatchedV1

_COLUMNS = ("row_number", "individual_ref", "engagement_date", "beneficiary_type", "birth_month", "gender",
            "ward_code", "ward_name", "ethnicity", "first_language", "engagement_type", "attended")
_TYPES = ("integer", "text", "date", "text", "text", "text", "text", "text", "text", "text", "text", "boolean")

# One statement per chunk: the records arrive as parallel arrays and are
# unnested into rows. A redelivered or re-matched chunk overwrites its rows.
_UPSERT = f"""
INSERT INTO engagement (upload_id, provider_id, service_code, {", ".join(_COLUMNS)})
SELECT $1, $2, $3, r.*
  FROM unnest({", ".join(f"${i + 4}::{t}[]" for i, t in enumerate(_TYPES))}) AS r({", ".join(_COLUMNS)})
ON CONFLICT (upload_id, row_number) DO UPDATE SET
    provider_id = excluded.provider_id, service_code = excluded.service_code,
    {", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:])}
"""


# Wards in code order, so concurrent chunks lock ward rows in the same order (no deadlock).
_WARDS = """
INSERT INTO ward (ward_code, ward_name)
SELECT DISTINCT ON (code) code, name FROM unnest($1::text[], $2::text[]) AS w(code, name)
 WHERE code IS NOT NULL ORDER BY code, name NULLS LAST
ON CONFLICT (ward_code) DO UPDATE SET ward_name = excluded.ward_name
 WHERE excluded.ward_name IS NOT NULL AND ward.ward_name IS DISTINCT FROM excluded.ward_name
"""


async def upsert_chunk(conn: asyncpg.Connection, event: RecordsMatchedV1) -> int:
    """Write every record of the chunk, and note its wards; returns how many."""
    if not event.records:
        return 0
    records = event.records  # plain Structs (leap_contracts.plain) or models: read by attribute
    columns = [[getattr(r, c) for r in records] for c in _COLUMNS]
    await conn.execute(_UPSERT, event.upload_id, event.provider_id, event.service_code, *columns)
    await conn.execute(_WARDS, columns[_COLUMNS.index("ward_code")], columns[_COLUMNS.index("ward_name")])
    return len(records)
