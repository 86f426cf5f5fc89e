"""The publication table (migration 011): published returns, written once and never changed (its triggers
refuse UPDATE, DELETE and TRUNCATE), and the uploads a read-model version counts (for the manifest)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

FILE_COLUMNS = {"csv": "csv", "xlsx": "xlsx"}


@dataclass(frozen=True)
class Stored:
    publication_id: uuid.UUID
    name: str
    period_from: date
    period_to: date
    published_at: datetime
    published_by: str
    manifest: dict
    figures: list[dict]
    csv: bytes
    xlsx: bytes


async def insert(conn: asyncpg.Connection | asyncpg.Pool, stored: Stored) -> None:
    await conn.execute(
        """INSERT INTO publication (publication_id, name, period_from, period_to, published_at, published_by,
                                    manifest, figures, csv, xlsx)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10)""",
        stored.publication_id, stored.name, stored.period_from, stored.period_to, stored.published_at,
        stored.published_by, json.dumps(stored.manifest), json.dumps(stored.figures), stored.csv, stored.xlsx)


async def listed(conn: asyncpg.Connection | asyncpg.Pool, limit: int = 500) -> list[dict]:
    """The newest first, without their files: what a list needs."""
    rows = await conn.fetch(
        """SELECT publication_id, name, period_from, period_to, published_at, published_by,
                  manifest->'watermark'->>'as_of' AS as_of,
                  (manifest->'watermark'->>'up_to_date')::boolean AS up_to_date,
                  manifest->'watermark'->>'as_of_label' AS as_of_label
             FROM publication ORDER BY published_at DESC, publication_id LIMIT $1""", limit)
    return [dict(r) for r in rows]


async def manifest_and_figures(conn: asyncpg.Connection | asyncpg.Pool,
                               publication_id: uuid.UUID) -> tuple[dict, list[dict]] | None:
    row = await conn.fetchrow("SELECT manifest, figures FROM publication WHERE publication_id = $1", publication_id)
    return (json.loads(row["manifest"]), json.loads(row["figures"])) if row else None


async def file_of(conn: asyncpg.Connection | asyncpg.Pool, publication_id: uuid.UUID,
                  fmt: str) -> tuple[str, date, bytes] | None:
    """(name, period end, the stored bytes) of a return's CSV or XLSX."""
    row = await conn.fetchrow(f"SELECT name, period_to, {FILE_COLUMNS[fmt]} AS body FROM publication "
                              "WHERE publication_id = $1", publication_id)
    return (row["name"], row["period_to"], bytes(row["body"])) if row else None


async def uploads_counted_at(conn: asyncpg.Connection | asyncpg.Pool, version: int) -> list[dict]:
    """The uploads a snapshot of read-model ``version`` includes (counted at it or before, not closed)."""
    rows = await conn.fetch(
        """SELECT upload_id::text, provider_id, service_code, records, counted_version FROM upload_progress
            WHERE counted_at IS NOT NULL AND closed IS NULL AND counted_version <= $1
            ORDER BY counted_version, upload_id""", version)
    return [dict(r) for r in rows]


async def events_applied(conn: asyncpg.Connection | asyncpg.Pool) -> dict[str, int]:
    """Per topic, how many events the read model has applied (one inbox row each)."""
    return {r["topic"]: r["n"] for r in await conn.fetch(
        "SELECT topic, count(*)::int AS n FROM inbox GROUP BY topic ORDER BY topic")}


async def recent_totals(conn: asyncpg.Connection | asyncpg.Pool, limit: int = 20) -> list[dict]:
    """The newest returns' periods, suppression settings and published overall reach (the total of their
    reach-by-service table), for the dashboard's note on figures revised since."""
    rows = await conn.fetch(
        """SELECT publication_id, name, period_from, period_to, published_at, manifest->'suppression' AS suppression,
                  (SELECT t->'rows' FROM jsonb_array_elements(figures) AS t
                    WHERE t->>'name' = 'reach-by-service') AS reach_rows
             FROM publication ORDER BY published_at DESC, publication_id LIMIT $1""", limit)
    found = []
    for row in rows:
        total = next((r[2] for r in json.loads(row["reach_rows"] or "[]") if r[0] == "total"), None)
        found.append({**dict(row), "suppression": json.loads(row["suppression"]), "published_total": total})
    return found
