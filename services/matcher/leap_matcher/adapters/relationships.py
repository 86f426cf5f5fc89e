"""Child -> primary carer links: a child record's carer e-mail/mobile token held by an adult as an identifier."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

_LINK = """
INSERT INTO relationship (child_id, carer_id, via)
SELECT r.individual_id, i.individual_id, array_agg(DISTINCT ct.id_type ORDER BY ct.id_type)
FROM identifier i
JOIN carer_token ct ON ct.token = i.token AND ct.id_type = i.id_type
JOIN record r USING (upload_id, row_number)
WHERE i.token = ANY($1::bytea[]) AND NOT i.quarantined
  AND i.individual_id IS NOT NULL AND i.individual_id <> r.individual_id
GROUP BY r.individual_id, i.individual_id
ON CONFLICT DO NOTHING
RETURNING child_id, carer_id, via
"""


async def link(conn: asyncpg.Connection, tokens: Sequence[bytes]) -> list[tuple[int, int, list[str]]]:
    """New (child, carer, via) links through any of ``tokens``: the chunk's carer tokens (the carer
    may be known already) and its new e-mail/mobile identifiers (children may be waiting for them).
    Callers hold ``individuals.lock_tokens`` on them, so concurrent arrivals see each other."""
    if not tokens:
        return []
    rows = await conn.fetch(_LINK, list(tokens))
    return [(r["child_id"], r["carer_id"], list(r["via"])) for r in rows]


async def of_individual(conn: asyncpg.Connection, individual_id: int) -> list[dict]:
    """Live relationships of an individual (following merges on both sides)."""
    rows = await conn.fetch("""
        WITH live AS (SELECT id, coalesce(merged_into, id) AS live_id FROM individual)
        SELECT DISTINCT c.live_id AS child_id, p.live_id AS carer_id
        FROM relationship rel JOIN live c ON c.id = rel.child_id JOIN live p ON p.id = rel.carer_id
        WHERE c.live_id = $1 OR p.live_id = $1""", individual_id)
    return [dict(r) for r in rows]
