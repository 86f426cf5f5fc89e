"""SQL for individuals, identifier tokens and records: set-based, one statement per step."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import asyncpg
import orjson

from leap_matcher.domain.enrichment import Attributes


def reference(individual_id: int) -> str:
    """The persistent reference of an individual, shown to every other service."""
    return f"IND-{individual_id:010d}"


def individual_id(ref: str) -> int | None:
    if not ref.startswith("IND-") or not ref[4:].isdigit():
        return None
    return int(ref[4:])


TOKEN_BYTES = 32
"""A token's length: HMAC-SHA256, pinned by the contract to 64 hex digits."""


def packed(tokens: Sequence[bytes]) -> bytes:
    """A record's tokens as stored: one bytea, the tokens back to back."""
    return b"".join(tokens)


def unpacked(tokens: bytes) -> list[bytes]:
    return [tokens[i:i + TOKEN_BYTES] for i in range(0, len(tokens), TOKEN_BYTES)]


@dataclass(frozen=True)
class KnownToken:
    individual_id: int | None
    quarantined: bool
    providers: tuple[str, ...]
    birth_months: tuple[str, ...]
    version: int
    """The row's ``xmin``: every update of the row (a merge, a split, statistics, quarantine) changes it."""


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


async def lookup(conn: asyncpg.Connection, tokens: Sequence[bytes]) -> dict[bytes, KnownToken]:
    rows = await conn.fetch(
        "SELECT token, individual_id, quarantined, providers, birth_months, i.xmin "
        "FROM unnest($1::bytea[]) AS u(token) JOIN identifier i USING (token)", list(tokens)
    )
    return {r[0]: KnownToken(r[1], r[2], tuple(r[3]), tuple(r[4]), r[5]) for r in rows}


async def changed_since(conn: asyncpg.Connection, known: dict[bytes, KnownToken]) -> bool:
    """Whether any of the tokens ``lookup`` found was updated or removed since."""
    return bool(known) and await conn.fetchval(
        "SELECT EXISTS (SELECT FROM unnest($1::bytea[], $2::xid[]) AS u(token, seen) "
        "LEFT JOIN identifier i USING (token) WHERE i.xmin IS DISTINCT FROM u.seen)",
        list(known), [k.version for k in known.values()])


async def lock_tokens(conn: asyncpg.Connection, tokens: Iterable[bytes]) -> None:
    """Serialise transactions that handle the same carer e-mail/mobile (so a child and its carer
    arriving at once on two instances still see each other)."""
    keys = sorted({int.from_bytes(t[:8], "big", signed=True) for t in tokens})
    if keys:
        await conn.execute("SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k ORDER BY k", keys)


async def lock_carer_tokens_of(conn: asyncpg.Connection, ids: Sequence[int]) -> None:
    """``lock_tokens`` on every e-mail/mobile the individuals hold or name as a carer's: a withdrawal or a
    split that moves them waits for, or is waited on by, a chunk linking a child to a carer through them."""
    tokens = await conn.fetch(
        "SELECT token FROM identifier WHERE individual_id = ANY($1::bigint[]) AND id_type IN ('email', 'mobile') "
        "UNION SELECT ct.token FROM record r JOIN carer_token ct USING (upload_id, row_number) "
        "WHERE r.individual_id = ANY($1::bigint[])", list(ids))
    await lock_tokens(conn, [r[0] for r in tokens])


async def lock(conn: asyncpg.Connection, ids: Sequence[int]) -> dict[int, Attributes] | None:
    """Lock the individuals in id order (so concurrent chunks queue instead of deadlocking) and
    return their attributes. None when one of them was merged away since it was looked up."""
    if not ids:
        return {}
    rows = await conn.fetch(
        "SELECT id, merged_into, attributes FROM individual WHERE id = ANY($1::bigint[]) "
        "ORDER BY id FOR NO KEY UPDATE",  # not FOR UPDATE: a relationship's key-share check must not wait on it
        list(ids),
    )
    if len(rows) != len(ids) or any(r["merged_into"] is not None for r in rows):
        return None
    return {r["id"]: orjson.loads(r["attributes"]) for r in rows}


async def create(conn: asyncpg.Connection, attributes: Sequence[Attributes]) -> list[int]:
    """New individuals, one per entry of ``attributes``; their ids in the same order."""
    if not attributes:
        return []
    ids = [r[0] for r in await conn.fetch(
        "SELECT nextval('individual_id_seq') FROM generate_series(1, $1)", len(attributes))]
    await conn.copy_records_to_table("individual", records=[
        (i, reference(i), orjson.dumps(a).decode()) for i, a in zip(ids, attributes)], columns=["id", "ref", "attributes"])
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


async def add_identifiers(conn: asyncpg.Connection, rows: Iterable[tuple]) -> None:
    """rows: (token, id_type, individual_id or None, providers, birth_months, quarantined).
    Raises UniqueViolationError when another instance claimed one of the tokens first."""
    await conn.copy_records_to_table(
        "identifier", records=list(rows),
        columns=["token", "id_type", "individual_id", "providers", "birth_months", "quarantined"])


async def update_token_stats(conn: asyncpg.Connection, rows: Sequence[tuple[bytes, list[str], list[str], bool]]) -> None:
    """rows: (token, providers, birth_months, quarantined); a quarantined token belongs to nobody."""
    if not rows:
        return
    await conn.execute(
        "UPDATE identifier t SET providers = s.providers, birth_months = s.birth_months, quarantined = s.q, "
        "individual_id = CASE WHEN s.q THEN NULL ELSE t.individual_id END "
        "FROM (SELECT u.token, string_to_array(u.p, chr(31)) AS providers, "
        "             coalesce(string_to_array(nullif(u.b, ''), chr(31)), '{}') AS birth_months, u.q "
        "      FROM unnest($1::bytea[], $2::text[], $3::text[], $4::bool[]) AS u(token, p, b, q)) s "
        "WHERE t.token = s.token",
        [r[0] for r in rows], [chr(31).join(r[1]) for r in rows], [chr(31).join(r[2]) for r in rows],
        [r[3] for r in rows],
    )


RECORD_COLUMNS = ["upload_id", "row_number", "individual_id", "provider_id", "service_code", "beneficiary_type",
                  "engagement_date", "tokens", "birth_month", "gender", "ward_code", "ethnicity", "first_language",
                  "engagement_type", "attended"]


async def add_records(conn: asyncpg.Connection, rows: Iterable[Sequence]) -> None:
    """rows: values in RECORD_COLUMNS order."""
    await conn.copy_records_to_table("record", records=list(rows), columns=RECORD_COLUMNS)


async def add_carer_tokens(conn: asyncpg.Connection, rows: Iterable[tuple[bytes, str, uuid.UUID, int]]) -> None:
    rows = list(rows)
    if rows:
        await conn.copy_records_to_table("carer_token", records=rows,
                                         columns=["token", "id_type", "upload_id", "row_number"])


async def set_attributes(conn: asyncpg.Connection, attributes: dict[int, Attributes]) -> None:
    if not attributes:
        return
    await conn.execute(
        "UPDATE individual i SET attributes = u.a::jsonb FROM unnest($1::bigint[], $2::text[]) AS u(id, a) "
        "WHERE i.id = u.id", list(attributes), [orjson.dumps(a).decode() for a in attributes.values()],
    )
