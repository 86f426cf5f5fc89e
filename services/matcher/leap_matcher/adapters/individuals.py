"""SQL for individuals and the identifier index (tokens): set-based, one statement per step."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import asyncpg
import orjson

from leap_matcher.domain.enrichment import Attributes
from leap_matcher.domain.identity import KnownToken, reference
from leap_matcher.domain.junk import StatsUpdate


async def lookup(conn: asyncpg.Connection, tokens: Sequence[bytes]) -> dict[bytes, KnownToken]:
    rows = await conn.fetch(
        "SELECT token, individual_id, quarantined, providers, birth_months, i.xmin "
        "FROM unnest($1::bytea[]) AS u(token) JOIN identifier i USING (token)", list(tokens)
    )
    new = tuple.__new__  # KnownToken._make without its length check: a known token per row of a chunk
    return {r[0]: new(KnownToken, (r[1], r[2], tuple(r[3]), tuple(r[4]), r[5])) for r in rows}


async def changed_since(conn: asyncpg.Connection, known: Mapping[bytes, KnownToken]) -> bool:
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


IdentifierRow = tuple[bytes, str, int | None, list[str], list[str], bool]
"""(token, id_type, individual_id or None, providers, birth_months, quarantined)"""


async def add_identifiers(conn: asyncpg.Connection, rows: Iterable[IdentifierRow]) -> None:
    """Raises UniqueViolationError when another instance claimed one of the tokens first."""
    await conn.copy_records_to_table(
        "identifier", records=list(rows),
        columns=["token", "id_type", "individual_id", "providers", "birth_months", "quarantined"])


async def update_token_stats(conn: asyncpg.Connection, rows: Sequence[StatsUpdate]) -> None:
    """A quarantined token belongs to nobody."""
    if not rows:
        return
    await conn.execute(
        "UPDATE identifier t SET providers = s.providers, birth_months = s.birth_months, quarantined = s.q, "
        "individual_id = CASE WHEN s.q THEN NULL ELSE t.individual_id END "
        "FROM (SELECT u.token, string_to_array(u.p, chr(31)) AS providers, "
        "             coalesce(string_to_array(nullif(u.b, ''), chr(31)), '{}') AS birth_months, u.q "
        "      FROM unnest($1::bytea[], $2::text[], $3::text[], $4::bool[]) AS u(token, p, b, q)) s "
        "WHERE t.token = s.token",
        [r.token for r in rows], [chr(31).join(r.providers) for r in rows],
        [chr(31).join(r.birth_months) for r in rows], [r.quarantined for r in rows],
    )


async def set_attributes(conn: asyncpg.Connection, attributes: dict[int, Attributes]) -> None:
    if not attributes:
        return
    await conn.execute(
        "UPDATE individual i SET attributes = u.a::jsonb FROM unnest($1::bigint[], $2::text[]) AS u(id, a) "
        "WHERE i.id = u.id", list(attributes), [orjson.dumps(a).decode() for a in attributes.values()],
    )


async def quarantined_among(conn: asyncpg.Connection, tokens: Sequence[bytes]) -> set[bytes]:
    return {r["token"] for r in await conn.fetch(
        "SELECT token FROM identifier WHERE token = ANY($1::bytea[]) AND quarantined", list(tokens))}


async def keep_identifiers(conn: asyncpg.Connection, ids: Sequence[int], tokens: Sequence[bytes]) -> None:
    """The individuals' identifiers other than ``tokens`` go (their records went, or they stopped linking)."""
    await conn.execute("DELETE FROM identifier WHERE individual_id = ANY($1::bigint[]) AND NOT token = ANY($2::bytea[])",
                       list(ids), list(tokens))


async def remove(conn: asyncpg.Connection, ids: Sequence[int]) -> None:
    """Individuals left without a record: kept (their references were published), empty."""
    if ids:
        await conn.execute("UPDATE individual SET removed = true, attributes = '{}' WHERE id = ANY($1::bigint[])",
                           list(ids))


async def move_identifiers(conn: asyncpg.Connection, owners: Mapping[bytes, int]) -> None:
    if owners:
        await conn.execute(
            "UPDATE identifier t SET individual_id = m.owner FROM unnest($1::bytea[], $2::bigint[]) AS m(token, owner) "
            "WHERE t.token = m.token", list(owners), list(owners.values()))
