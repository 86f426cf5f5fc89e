"""What changed between two read-model versions, by upload and in counts (the revision report's explanation).

Uploads are named by id, provider and service; individuals only ever counted, never named."""

from __future__ import annotations

from datetime import date

import asyncpg

_ADDED = """
SELECT p.upload_id::text AS upload_id, p.provider_id, p.service_code, p.records, min(m.first_date) AS first_date,
       max(m.last_date) AS last_date, (SELECT r.upload_id::text FROM upload_ended r WHERE r.replaced_by = p.upload_id
                                        LIMIT 1) AS replaces
  FROM upload_progress p JOIN match_outcome m ON m.upload_id = p.upload_id
 WHERE p.closed IS NULL AND p.counted_version > $1 AND p.counted_version <= $2
 GROUP BY p.upload_id, p.provider_id, p.service_code, p.records
HAVING ($3::date IS NULL OR max(m.last_date) >= $3) AND min(m.first_date) <= $4
 ORDER BY min(p.counted_version), p.upload_id"""

_ENDED = """
SELECT u.upload_id::text AS upload_id, min(x.provider_id) AS provider_id, min(x.service_code) AS service_code,
       count(*)::int AS records, min(x.engagement_date) AS first_date, max(x.engagement_date) AS last_date,
       u.replaced_by::text AS replaced_by
  FROM upload_ended u
  JOIN read_model_version_log l ON l.xid = u.xid AND l.version > $1 AND l.version <= $2
  JOIN engagement_ended x ON x.upload_id = u.upload_id
   AND x.learned_xid IN (SELECT xid FROM read_model_version_log WHERE version <= $1)
 GROUP BY u.upload_id, u.replaced_by, l.version
HAVING ($3::date IS NULL OR max(x.engagement_date) >= $3) AND min(x.engagement_date) <= $4
 ORDER BY l.version, u.upload_id"""

_ALIASES_AT = """SELECT DISTINCT ON (a.ref) a.ref, a.survivor_ref
  FROM individual_alias_change a JOIN read_model_version_log l ON l.xid = a.xid
 WHERE l.version <= {v} ORDER BY a.ref, l.version DESC, a.seq DESC"""

_MERGED = f"""
SELECT count(*)::int FROM ({_ALIASES_AT.format(v='$2')}) AS now
 WHERE now.survivor_ref IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM ({_ALIASES_AT.format(v='$1')}) AS th WHERE th.ref = now.ref
                                                                    AND th.survivor_ref IS NOT NULL)"""

_SPLIT = """SELECT count(DISTINCT c.old_ref)::int FROM engagement_ref_change c
  JOIN read_model_version_log l ON l.xid = c.xid WHERE l.version > $1 AND l.version <= $2"""


async def uploads_added(conn: asyncpg.Connection | asyncpg.Pool, since: int, until: int, date_from: date | None,
                        date_to: date) -> list[dict]:
    """Uploads counted after ``since`` (up to ``until``) and held now, with records inside the period."""
    return [_plain(r) for r in await conn.fetch(_ADDED, since, until, date_from, date_to)]


async def uploads_ended(conn: asyncpg.Connection | asyncpg.Pool, since: int, until: int, date_from: date | None,
                        date_to: date) -> list[dict]:
    """Uploads held at ``since`` and withdrawn or replaced by ``until``, with records inside the period."""
    return [_plain(r) for r in await conn.fetch(_ENDED, since, until, date_from, date_to)]


async def identities_changed(conn: asyncpg.Connection | asyncpg.Pool, since: int, until: int) -> dict[str, int]:
    """Individuals merged into another since (resolving to another at ``until`` and not at ``since``), and
    individuals split since (whose records a split gave a new reference)."""
    return {"merged": await conn.fetchval(_MERGED, since, until), "split": await conn.fetchval(_SPLIT, since, until)}


def _plain(row: asyncpg.Record) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}
