"""Engagement rows of the read model: one per matched record, written set-based."""

from __future__ import annotations

import asyncpg

from leap_contracts.events import RecordsMatchedV1

from leap_reporter.adapters.history import ending

_COLUMNS = ("row_number", "individual_ref", "engagement_date", "beneficiary_type", "birth_month", "gender",
            "ward_code", "ward_name", "ethnicity", "first_language", "engagement_type", "attended")

# A chunk's rows are copied in (COPY writes rows a third cheaper than an INSERT ... ON CONFLICT of the same
# rows); a re-matched chunk's earlier rows are moved to the history first (engagement_ended, migration 013), so
# its rows are replaced, never doubled, and an "as at" question still finds the earlier ones. Each row's
# learned_xid is the column's default (this transaction): the COPY sends nothing more.
_CLEAR = ending("upload_id = $1 AND row_number = ANY($2::int[])")


# A split applied before this chunk (beneficiaries.events.v2 is read apart from this topic) moved some of its
# records: they take the split's reference, newer than the chunk's (split_record, migration 012).
_SPLIT_ALREADY = """
UPDATE engagement e SET individual_ref = s.individual_ref FROM split_record s
 WHERE s.upload_id = $1 AND s.row_number = ANY($2::int[]) AND e.upload_id = $1 AND e.row_number = s.row_number
"""


# A ward is inserted once and renamed only when its name changes: an upsert would lock every ward the chunk
# names until commit (ON CONFLICT DO UPDATE locks the row even when its WHERE is false), and the
# reporter's consumers, whose chunks name the same wards, would take turns. Codes in order: no deadlock.
_WARDS = """
WITH named AS (
    SELECT DISTINCT ON (code) code, name FROM unnest($1::text[], $2::text[]) AS w(code, name)
     WHERE code IS NOT NULL ORDER BY code, name NULLS LAST
), added AS (
    INSERT INTO ward (ward_code, ward_name) SELECT code, name FROM named ON CONFLICT (ward_code) DO NOTHING
)
UPDATE ward SET ward_name = named.name FROM named
 WHERE ward.ward_code = named.code AND named.name IS NOT NULL AND ward.ward_name IS DISTINCT FROM named.name
"""


async def upsert_chunk(conn: asyncpg.Connection, event: RecordsMatchedV1) -> int:
    """Write every record of the chunk, and note its wards; returns how many."""
    if not event.records:
        return 0
    records = event.records  # plain Structs (leap_contracts.plain) or models: read by attribute
    columns = [[getattr(r, c) for r in records] for c in _COLUMNS]
    await conn.execute(_CLEAR, event.upload_id, columns[0])
    head = (event.upload_id, event.provider_id, event.service_code)
    await conn.copy_records_to_table("engagement", columns=("upload_id", "provider_id", "service_code", *_COLUMNS),
                                     records=[head + row for row in zip(*columns)])
    await conn.execute(_SPLIT_ALREADY, event.upload_id, columns[0])
    await conn.execute(_WARDS, columns[_COLUMNS.index("ward_code")], columns[_COLUMNS.index("ward_name")])
    return len(records)
