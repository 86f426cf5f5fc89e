"""Child -> primary carer links: a child record's carer e-mail/mobile token held by an adult as an identifier."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import asyncpg

_LINK = """
WITH named AS (
    SELECT child, token, id_type FROM unnest($1::bigint[], $2::bytea[], $3::text[]) AS c(child, token, id_type)
    UNION ALL
    SELECT r.individual_id, ct.token, ct.id_type
    FROM carer_token ct JOIN record r USING (upload_id, row_number)
    WHERE ct.token = ANY($4::bytea[]))
INSERT INTO relationship (child_id, carer_id, via)
SELECT n.child, i.individual_id, array_agg(DISTINCT n.id_type ORDER BY n.id_type)
FROM named n
JOIN identifier i ON i.token = n.token AND i.id_type = n.id_type
WHERE NOT i.quarantined AND i.individual_id IS NOT NULL AND i.individual_id <> n.child
GROUP BY n.child, i.individual_id
ON CONFLICT DO NOTHING
RETURNING child_id, carer_id, via
"""


async def link(conn: asyncpg.Connection, named: Iterable[tuple[int, bytes, str]],
               new_tokens: Sequence[bytes]) -> list[tuple[int, int, list[str]]]:
    """New (child, carer, via) links a chunk makes: ``named`` (child individual, carer token, its type) from
    the chunk's records, to the adult holding the token (known already or new), and its ``new_tokens``
    (e-mail/mobile identifiers seen for the first time) named as carer by children seen before. Callers hold
    ``individuals.lock_tokens`` on both kinds of token, so concurrent arrivals see each other; links
    through older records and older identifiers exist already."""
    named = set(named)
    if not named and not new_tokens:
        return []
    found = await conn.fetch(_LINK, [n[0] for n in named], [n[1] for n in named], [n[2] for n in named],
                             list(new_tokens))
    return [(r["child_id"], r["carer_id"], list(r["via"])) for r in found]


async def of_individual(conn: asyncpg.Connection, individual_id: int) -> list[dict]:
    """Live relationships of an individual (following merges on both sides)."""
    rows = await conn.fetch("""
        WITH live AS (SELECT id, coalesce(merged_into, id) AS live_id FROM individual)
        SELECT DISTINCT c.live_id AS child_id, p.live_id AS carer_id
        FROM relationship rel JOIN live c ON c.id = rel.child_id JOIN live p ON p.id = rel.carer_id
        WHERE c.live_id = $1 OR p.live_id = $1""", individual_id)
    return [dict(r) for r in rows]


_HOLDING = """
SELECT r.individual_id AS child_id, i.individual_id AS carer_id, array_agg(DISTINCT ct.id_type ORDER BY ct.id_type) AS via
FROM record r
JOIN carer_token ct USING (upload_id, row_number)
JOIN identifier i ON i.token = ct.token AND i.id_type = ct.id_type
WHERE r.individual_id = ANY($1::bigint[]) AND NOT i.quarantined
  AND i.individual_id IS NOT NULL AND i.individual_id <> r.individual_id
GROUP BY 1, 2
UNION
SELECT r.individual_id, i.individual_id, array_agg(DISTINCT ct.id_type ORDER BY ct.id_type)
FROM identifier i
JOIN carer_token ct ON ct.token = i.token AND ct.id_type = i.id_type
JOIN record r USING (upload_id, row_number)
WHERE i.individual_id = ANY($1::bigint[]) AND NOT i.quarantined AND i.individual_id <> r.individual_id
GROUP BY 1, 2
"""

_STORED = """
WITH live AS (SELECT id, coalesce(merged_into, id) AS live_id FROM individual
              WHERE id = ANY($1::bigint[]) OR merged_into = ANY($1::bigint[]))
SELECT rel.child_id, rel.carer_id, coalesce(c.merged_into, c.id) AS live_child, coalesce(p.merged_into, p.id) AS live_carer
FROM relationship rel
JOIN individual c ON c.id = rel.child_id
JOIN individual p ON p.id = rel.carer_id
WHERE rel.child_id IN (SELECT id FROM live) OR rel.carer_id IN (SELECT id FROM live)
"""


async def rederive(conn: asyncpg.Connection, ids: Sequence[int]) -> tuple[list[tuple[int, int, list[str]]],
                                                                           list[tuple[int, int]]]:
    """After records left or moved (a withdrawal, a quarantine split): the relationships of the live
    individuals ``ids`` as the remaining records and identifiers now hold them. Returns the links
    that started (child, carer, via) and the (child, carer) pairs that ended; the table follows."""
    if not ids:
        return [], []
    holding = {(r["child_id"], r["carer_id"]): list(r["via"]) for r in await conn.fetch(_HOLDING, list(ids))}
    stored = await conn.fetch(_STORED, list(ids))
    live_pairs = {(r["live_child"], r["live_carer"]) for r in stored}
    ended = sorted(live_pairs - holding.keys())
    ending = set(ended)
    gone = [(r["child_id"], r["carer_id"]) for r in stored if (r["live_child"], r["live_carer"]) in ending]
    if gone:
        await conn.execute("DELETE FROM relationship r USING unnest($1::bigint[], $2::bigint[]) AS g(child, carer) "
                           "WHERE r.child_id = g.child AND r.carer_id = g.carer",
                           [g[0] for g in gone], [g[1] for g in gone])
    started = sorted((child, carer, via) for (child, carer), via in holding.items() if (child, carer) not in live_pairs)
    if started:
        await conn.execute("INSERT INTO relationship (child_id, carer_id, via) "
                           "SELECT child, carer, string_to_array(via, ',') "
                           "FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS s(child, carer, via) "
                           "ON CONFLICT DO NOTHING", [s[0] for s in started], [s[1] for s in started],
                           [",".join(s[2]) for s in started])
    return started, ended
