"""SQL of ``outcome_link``: each outcome record's link as last published (migration 026). Never writes the
identifier index."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

import asyncpg

_LOCK = "SELECT {}(hashtextextended('outcome-links', 0))"


async def hold(conn: asyncpg.Connection, *, exclusive: bool) -> None:
    """Linking an outcome chunk (exclusive) and relinking after a change of the identifier index (shared) never
    overlap: either the chunk reads the change, or the relinking finds the chunk's records."""
    await conn.execute(_LOCK.format("pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"))


async def store(conn: asyncpg.Connection, upload_id: uuid.UUID, chunk_index: int, rows: Sequence[tuple]) -> None:
    """rows: (row_number, tokens, owners, individual_id, bridges); a chunk sent again replaces its rows."""
    await conn.execute("DELETE FROM outcome_link WHERE upload_id = $1 AND row_number = ANY($2::int[])",
                       upload_id, [r[0] for r in rows])
    await conn.copy_records_to_table(
        "outcome_link", records=[(upload_id, r[0], chunk_index, *r[1:]) for r in rows],
        columns=["upload_id", "row_number", "chunk_index", "tokens", "owners", "individual_id", "bridges"])


async def affected(conn: asyncpg.Connection, tokens: Iterable[bytes], individuals: Iterable[int]) -> list:
    """The records carrying one of ``tokens`` or last linked with one of ``individuals`` among their owners,
    locked (in key order) until the caller's transaction ends."""
    tokens, individuals = list(set(tokens)), sorted(set(individuals))
    if not tokens and not individuals:
        return []
    return await conn.fetch(
        "SELECT upload_id, row_number, chunk_index, tokens, owners, individual_id, bridges FROM outcome_link "
        "WHERE tokens && $1::bytea[] OR owners && $2::bigint[] ORDER BY upload_id, row_number FOR UPDATE",
        tokens, individuals)


async def update(conn: asyncpg.Connection, rows: Sequence[tuple]) -> None:
    """rows: (upload_id, row_number, owners, individual_id, bridges)."""
    if rows:
        await conn.execute(
            "UPDATE outcome_link o SET owners = ('{' || u.owners || '}')::bigint[], "
            "individual_id = u.individual_id, bridges = u.bridges "
            "FROM unnest($1::uuid[], $2::int[], $3::text[], $4::bigint[], $5::bool[]) "
            "AS u(upload_id, row_number, owners, individual_id, bridges) "
            "WHERE o.upload_id = u.upload_id AND o.row_number = u.row_number",
            [r[0] for r in rows], [r[1] for r in rows], [",".join(map(str, r[2])) for r in rows],
            [r[3] for r in rows], [r[4] for r in rows])


async def chunk_counts(conn: asyncpg.Connection, chunks: Sequence[tuple[uuid.UUID, int]]) -> dict[tuple, tuple]:
    """(upload, chunk) -> (linked, unlinked, bridging) over all of the chunk's records."""
    rows = await conn.fetch(
        "SELECT o.upload_id, o.chunk_index, count(*) FILTER (WHERE o.individual_id IS NOT NULL)::int, "
        "count(*) FILTER (WHERE o.individual_id IS NULL AND NOT o.bridges)::int, count(*) FILTER (WHERE o.bridges)::int "
        "FROM unnest($1::uuid[], $2::int[]) AS c(upload_id, chunk_index) "
        "JOIN outcome_link o USING (upload_id, chunk_index) GROUP BY 1, 2",
        [c[0] for c in chunks], [c[1] for c in chunks])
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}


async def forget(conn: asyncpg.Connection, upload_id: uuid.UUID) -> None:
    """A withdrawn extract: nothing of it is linked again."""
    await conn.execute("DELETE FROM outcome_link WHERE upload_id = $1", upload_id)
    await conn.execute("DELETE FROM outcome_chunk WHERE upload_id = $1", upload_id)
