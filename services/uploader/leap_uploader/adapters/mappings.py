"""SQL for the versioned mappings of provider layouts onto the standard dataset."""

from __future__ import annotations

import json

import asyncpg

Conn = asyncpg.Connection | asyncpg.Pool


async def latest(conn: Conn, provider_id: str, service_code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """SELECT provider_id, service_code, version, spec::text AS spec, created_by, created_at FROM mappings
            WHERE provider_id = $1 AND service_code = $2 ORDER BY version DESC LIMIT 1""", provider_id, service_code)


async def save(conn: Conn, provider_id: str, service_code: str, spec: dict, created_by: str) -> int:
    """A new version (the previous ones are kept); returns its number."""
    return await conn.fetchval(
        """INSERT INTO mappings (provider_id, service_code, version, spec, created_by)
           SELECT $1, $2, coalesce(max(version), 0) + 1, $3::jsonb, $4 FROM mappings
            WHERE provider_id = $1 AND service_code = $2
           RETURNING version""", provider_id, service_code, json.dumps(spec), created_by)


async def list_all(conn: Conn) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT provider_id, service_code, version, spec::text AS spec, created_by, created_at FROM mappings
            ORDER BY provider_id, service_code, version DESC""")
