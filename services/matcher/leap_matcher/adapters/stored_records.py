"""SQL for uploads' records (and the carer tokens their children name): set-based, one statement per step."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

import asyncpg

from leap_matcher.domain.chunk_records import CarerToken, PseudonymisedChunk, PseudonymisedRecord
from leap_matcher.domain.identity import packed


async def hold_upload(conn: asyncpg.Connection, upload_id: uuid.UUID, *, exclusive: bool) -> None:
    """Chunks of an upload share this lock; its withdrawal takes it alone, so neither sees half of the other."""
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    await conn.execute(f"SELECT {fn}(hashtextextended($1, 0))", f"upload:{upload_id}")


async def is_withdrawn(conn: asyncpg.Connection, upload_id: uuid.UUID) -> bool:
    return bool(await conn.fetchval("SELECT true FROM withdrawn_upload WHERE upload_id = $1", upload_id))


async def applied_rows(conn: asyncpg.Connection, upload_id: uuid.UUID, rows: Sequence[int]) -> set[int]:
    """Which of ``rows`` of the upload are stored already (a chunk sent again under a new event id).
    One range probe answers the usual case, none."""
    if not rows or not await conn.fetchval(
            "SELECT EXISTS (SELECT FROM record WHERE upload_id = $1 AND row_number BETWEEN $2 AND $3)",
            upload_id, min(rows), max(rows)):
        return set()
    found = await conn.fetch(
        "SELECT row_number FROM record WHERE upload_id = $1 AND row_number = ANY($2::int[])", upload_id, list(rows)
    )
    return {r["row_number"] for r in found}


RECORD_COLUMNS = ["upload_id", "row_number", "individual_id", "provider_id", "service_code", "beneficiary_type",
                  "engagement_date", "tokens", "birth_month", "gender", "ward_code", "ethnicity", "first_language",
                  "engagement_type", "attended"]


async def add(conn: asyncpg.Connection, chunk: PseudonymisedChunk, records: Sequence[PseudonymisedRecord],
              tokens: Sequence[Sequence[bytes]], individual_of: Sequence[int]) -> None:
    """The chunk's ``records``, each with its ``tokens`` and its individual (both by index)."""
    upload_id, provider, service = chunk.upload_id, chunk.provider_id, chunk.service_code
    await conn.copy_records_to_table("record", columns=RECORD_COLUMNS, records=[
        (upload_id, r.row_number, individual, provider, service, r.beneficiary_type, r.engagement_date,
         packed(found), r.birth_month, r.gender, r.ward_code, r.ethnicity, r.first_language, r.engagement_type,
         r.attended) for r, found, individual in zip(records, tokens, individual_of)])


async def add_carer_tokens(conn: asyncpg.Connection, rows: Sequence[CarerToken]) -> None:
    if rows:
        await conn.copy_records_to_table("carer_token", records=rows, columns=list(CarerToken._fields))


async def holding(conn: asyncpg.Connection, individual_ids: Sequence[int], token: bytes) -> tuple[int, list[int]]:
    """How many records of the individuals carry ``token``, and which of the individuals they belong to."""
    count, holders = await conn.fetchrow(
        "SELECT count(*), coalesce(array_agg(DISTINCT individual_id ORDER BY individual_id), '{}') FROM record "
        "WHERE individual_id = ANY($1::bigint[]) AND holds_token(tokens, $2)", list(individual_ids), token)
    return count, list(holders)


async def individuals_of_rows(conn: asyncpg.Connection, upload_id: uuid.UUID, rows: Sequence[int]) -> dict[int, int]:
    """row number -> the individual its record belongs to now."""
    found = await conn.fetch("SELECT row_number, individual_id FROM record WHERE upload_id = $1 "
                             "AND row_number = ANY($2::int[])", upload_id, list(rows))
    return {r["row_number"]: r["individual_id"] for r in found}


async def individuals_of_upload(conn: asyncpg.Connection, upload_id: uuid.UUID) -> list[int]:
    rows = await conn.fetch("SELECT DISTINCT individual_id FROM record WHERE upload_id = $1 ORDER BY 1", upload_id)
    return [r[0] for r in rows]


async def withdraw(conn: asyncpg.Connection, upload_id: uuid.UUID, replaced_by: uuid.UUID | None) -> int:
    """The upload's records (and carer tokens) go, and it is noted withdrawn; how many records went."""
    await conn.execute("DELETE FROM carer_token WHERE upload_id = $1", upload_id)
    status = await conn.execute("DELETE FROM record WHERE upload_id = $1", upload_id)
    removed = int(status.split()[-1])
    await conn.execute("INSERT INTO withdrawn_upload (upload_id, replaced_by, records) VALUES ($1, $2, $3)",
                       upload_id, replaced_by, removed)
    return removed


async def of_individuals(conn: asyncpg.Connection, ids: Sequence[int]) -> list[asyncpg.Record]:
    """Every stored record of the individuals, all columns."""
    return await conn.fetch("SELECT * FROM record WHERE individual_id = ANY($1::bigint[])", list(ids))


async def move(conn: asyncpg.Connection, owners: Mapping[tuple[uuid.UUID, int], int]) -> None:
    """Records (upload, row) to other individuals."""
    if owners:
        await conn.execute(
            "UPDATE record r SET individual_id = m.owner FROM unnest($1::uuid[], $2::int[], $3::bigint[]) "
            "AS m(upload_id, row_number, owner) WHERE r.upload_id = m.upload_id AND r.row_number = m.row_number",
            [k[0] for k in owners], [k[1] for k in owners], list(owners.values()))


