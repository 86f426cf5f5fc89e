"""Data-quality figures (exact counts of rows and uploads, never values): per upload, service, provider."""

from __future__ import annotations

import asyncpg

# One row per upload: validation counts, match outcomes, findings, and the dates its engagements cover
# (first and last, kept per applied chunk in match_outcome: no pass over the engagements).
_UPLOADS = """
SELECT q.upload_id, q.provider_id, q.service_code, q.outcome, q.rejection_reason, q.validated_at,
       q.rows_total, q.rows_accepted, q.rows_rejected,
       coalesce(m.records, 0) AS records_matched, coalesce(m.matched_existing, 0) AS matched_existing,
       coalesce(f.junk, 0) AS junk_identifiers, m.first_date, m.last_date
  FROM upload_quality q
  LEFT JOIN (SELECT upload_id, sum(records)::int AS records, sum(matched_existing)::int AS matched_existing,
                    min(first_date) AS first_date, max(last_date) AS last_date
               FROM match_outcome GROUP BY upload_id) m USING (upload_id)
  LEFT JOIN (SELECT upload_id, sum(rows)::int AS junk FROM upload_finding
              WHERE code = 'identifier_quarantined' GROUP BY upload_id) f USING (upload_id)
 {where}
 ORDER BY q.provider_id, q.service_code, last_date NULLS LAST, q.upload_id
"""


async def uploads(pool: asyncpg.Pool, upload_id=None) -> list[asyncpg.Record]:
    if upload_id is None:
        return await pool.fetch(_UPLOADS.format(where=""))
    return await pool.fetch(_UPLOADS.format(where="WHERE q.upload_id = $1"), upload_id)


async def problems(pool: asyncpg.Pool, upload_id=None) -> list[asyncpg.Record]:
    """Problems reported by validation, and findings, per upload: code, column, severity, rows."""
    where = "WHERE q.upload_id = $1" if upload_id is not None else ""
    args = [upload_id] if upload_id is not None else []
    return await pool.fetch(f"""
SELECT q.upload_id, q.provider_id, q.service_code, p->>'code' AS code, p->>'column' AS column_name,
       p->>'severity' AS severity, (p->>'rows')::int AS rows
  FROM upload_quality q CROSS JOIN LATERAL jsonb_array_elements(q.problems) AS p {where}
UNION ALL
SELECT q.upload_id, q.provider_id, q.service_code, f.code, nullif(f.detail, ''), 'finding', f.rows
  FROM upload_finding f JOIN upload_quality q USING (upload_id) {where}
UNION ALL
SELECT q.upload_id, q.provider_id, q.service_code, f.key, NULL, 'record finding', sum(f.value::int)::int
  FROM match_outcome m CROSS JOIN LATERAL jsonb_each_text(m.findings) AS f
  JOIN upload_quality q ON q.upload_id = m.upload_id {where}
 GROUP BY 1, 2, 3, 4
 ORDER BY 2, 3, 1, 7 DESC, 4""", *args)


async def months_covered(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    """Per provider and service, every month an accepted upload has engagements in (from the months each
    applied chunk covers)."""
    return await pool.fetch(
        """SELECT DISTINCT m.provider_id, m.service_code, month
             FROM match_outcome m CROSS JOIN LATERAL unnest(m.months) AS month
            WHERE m.provider_id IS NOT NULL
            ORDER BY 1, 2, 3""")
