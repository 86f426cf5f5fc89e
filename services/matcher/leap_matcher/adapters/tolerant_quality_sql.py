"""SQL of the linkage-quality figures (counts only, never a person): exact and tolerant reach, records
joined through fuzzy links or split by tolerant linkage per upload and per provider, individuals holding
two valid NHS numbers, identifiers shared across incompatible birth months."""

from __future__ import annotations

import asyncpg

_RECORDS = """
WITH r AS (
    SELECT t.record_id, t.upload_id, t.provider_id, t.cluster, t.attended, x.individual_id
    FROM tolerant_record t LEFT JOIN record x ON t.record_id = x.upload_id::text || ':' || x.row_number
),
clusters AS (SELECT cluster, count(DISTINCT individual_id) AS exact_n FROM r GROUP BY cluster),
exacts AS (SELECT individual_id, count(DISTINCT cluster) AS tolerant_n FROM r GROUP BY individual_id)
"""


async def reach(conn: asyncpg.Connection) -> dict[str, int]:
    row = await conn.fetchrow(_RECORDS + """
        SELECT count(DISTINCT individual_id) FILTER (WHERE attended) AS exact,
               count(DISTINCT cluster) FILTER (WHERE attended) AS tolerant,
               (SELECT count(*) FROM review_item WHERE state = 'pending') AS pending
        FROM r""")
    return dict(row)


async def rates(conn: asyncpg.Connection, by: str) -> list[dict]:
    """Per upload (``by='upload_id'``) or provider: records, records joined to others only through a fuzzy
    link, records whose exact individual tolerant linkage splits."""
    column = {"upload_id": "r.upload_id::text", "provider_id": "r.provider_id"}[by]
    rows = await conn.fetch(_RECORDS + f"""
        SELECT {column} AS key, count(*) AS records,
               count(*) FILTER (WHERE c.exact_n > 1) AS fuzzy_linked,
               count(*) FILTER (WHERE e.tolerant_n > 1) AS split
        FROM r JOIN clusters c USING (cluster) LEFT JOIN exacts e USING (individual_id)
        GROUP BY 1 ORDER BY 1""")
    return [dict(row) for row in rows]


async def by_upload(conn: asyncpg.Connection) -> list[dict]:
    """Per upload (with its provider): records, records joined to others only through a fuzzy link, records
    whose exact individual tolerant linkage splits; counts of records, so they add up over a provider's uploads."""
    rows = await conn.fetch(_RECORDS + """
        SELECT r.upload_id, min(r.provider_id) AS provider_id, count(*) AS records,
               count(*) FILTER (WHERE c.exact_n > 1) AS fuzzy_linked,
               count(*) FILTER (WHERE e.tolerant_n > 1) AS split
        FROM r JOIN clusters c USING (cluster) LEFT JOIN exacts e USING (individual_id)
        GROUP BY 1 ORDER BY 1""")
    return [dict(row) for row in rows]


async def findings(conn: asyncpg.Connection) -> dict[str, int]:
    two_nhs = await conn.fetchval("""
        SELECT count(*) FROM (
            SELECT x.individual_id FROM tolerant_record t
            JOIN record x ON t.record_id = x.upload_id::text || ':' || x.row_number, unnest(t.nhs) AS n
            GROUP BY x.individual_id HAVING count(DISTINCT n) > 1) two""")
    months = await conn.fetchval("""
        SELECT count(*) FROM (
            SELECT token FROM tolerant_record t, unnest(t.tokens) AS token
            WHERE t.birth_month IS NOT NULL GROUP BY token HAVING count(DISTINCT t.birth_month) > 1) shared""")
    return {"individuals_with_two_nhs_numbers": two_nhs, "identifiers_across_birth_months": months}


async def try_lock(conn: asyncpg.Connection, key: int) -> bool:
    """A transaction's advisory lock, if no other transaction holds it."""
    return bool(await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", key))


async def versions(conn: asyncpg.Connection) -> tuple[int, int]:
    """(the tolerant linkage counter now, the counter the figures were last measured at)."""
    return (await conn.fetchval("SELECT changed FROM tolerant_quality_changed"),
            await conn.fetchval("SELECT measured FROM tolerant_quality_measured"))


async def set_measured(conn: asyncpg.Connection, version: int) -> None:
    await conn.execute("UPDATE tolerant_quality_measured SET measured = $1", version)
