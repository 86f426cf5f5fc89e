"""SQL for individuals, identifier tokens and records: set-based, one statement per step."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

import asyncpg


def reference(individual_id: int) -> str:
    """The persistent reference of an individual, shown to every other service."""
    return f"IND-{individual_id:010d}"


async def applied_rows(conn: asyncpg.Connection, upload_id: uuid.UUID, rows: Sequence[int]) -> set[int]:
    found = await conn.fetch(
        "SELECT row_number FROM record WHERE upload_id = $1 AND row_number = ANY($2::int[])", upload_id, list(rows)
    )
    return {r["row_number"] for r in found}


async def lookup(conn: asyncpg.Connection, tokens: Sequence[bytes]) -> dict[bytes, int]:
    rows = await conn.fetch(
        "SELECT token, individual_id FROM identifier WHERE token = ANY($1::bytea[])", list(tokens)
    )
    return {r["token"]: r["individual_id"] for r in rows}


async def lock(conn: asyncpg.Connection, ids: Sequence[int]) -> bool:
    """Lock the individuals in id order (so concurrent chunks queue instead of deadlocking).
    False when one of them was merged away since it was looked up: the caller starts again."""
    if not ids:
        return True
    rows = await conn.fetch(
        "SELECT id, merged_into FROM individual WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE", list(ids)
    )
    return len(rows) == len(ids) and all(r["merged_into"] is None for r in rows)


async def create(conn: asyncpg.Connection, count: int) -> list[int]:
    if count == 0:
        return []
    ids = [r[0] for r in await conn.fetch(
        "SELECT nextval('individual_id_seq') FROM generate_series(1, $1)", count)]
    await conn.copy_records_to_table("individual", records=[(i, reference(i)) for i in ids], columns=["id", "ref"])
    return ids


async def merge(conn: asyncpg.Connection, merged: Sequence[int], survivors: Sequence[int]) -> None:
    """Point every merged individual (and everything that pointed to it) at its survivor."""
    if not merged:
        return
    args = (list(merged), list(survivors))
    pairs = "SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS m(merged, survivor)"
    await conn.execute(f"UPDATE individual i SET merged_into = m.survivor FROM ({pairs}) m "
                       "WHERE i.id = m.merged OR i.merged_into = m.merged", *args)
    await conn.execute(f"UPDATE identifier t SET individual_id = m.survivor FROM ({pairs}) m "
                       "WHERE t.individual_id = m.merged", *args)
    await conn.execute(f"UPDATE record r SET individual_id = m.survivor FROM ({pairs}) m "
                       "WHERE r.individual_id = m.merged", *args)


async def add_identifiers(conn: asyncpg.Connection, rows: Iterable[tuple[bytes, str, int]]) -> None:
    """Raises UniqueViolationError when another instance claimed one of the tokens first."""
    await conn.copy_records_to_table("identifier", records=list(rows), columns=["token", "id_type", "individual_id"])


async def add_records(conn: asyncpg.Connection, rows: Iterable[tuple]) -> None:
    await conn.copy_records_to_table(
        "record", records=list(rows),
        columns=["upload_id", "row_number", "individual_id", "provider_id", "service_code",
                 "beneficiary_type", "engagement_date", "tokens"],
    )
