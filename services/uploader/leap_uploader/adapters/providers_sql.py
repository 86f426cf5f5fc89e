"""SQL for providers, the services they deliver and their API tokens."""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg


async def upsert(conn: asyncpg.Connection, provider_id: str, name: str) -> None:
    await conn.execute(
        "INSERT INTO providers (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name",
        provider_id, name,
    )


async def add_services(conn: asyncpg.Connection, provider_id: str, codes: Iterable[str]) -> None:
    await conn.execute(
        "INSERT INTO provider_services (provider_id, service_code) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
        provider_id, sorted(set(codes)),
    )


async def add_token(conn: asyncpg.Connection, provider_id: str, token_hash: str) -> int:
    return await conn.fetchval(
        "INSERT INTO api_tokens (provider_id, token_hash) VALUES ($1, $2) RETURNING id", provider_id, token_hash
    )


async def revoke_tokens(conn: asyncpg.Connection, *, token_id: int | None = None, token_hash: str | None = None,
                        provider_id: str | None = None) -> int:
    """Revoke the matching active tokens; returns how many."""
    status = await conn.execute(
        """UPDATE api_tokens SET revoked_at = now()
            WHERE revoked_at IS NULL
              AND ($1::bigint IS NULL OR id = $1) AND ($2::text IS NULL OR token_hash = $2)
              AND ($3::text IS NULL OR provider_id = $3)""",
        token_id, token_hash, provider_id,
    )
    return int(status.split()[-1])


async def by_token_hash(conn: asyncpg.Connection | asyncpg.Pool, token_hash: str) -> asyncpg.Record | None:
    """The provider holding this active token, with its services; None if unknown or revoked."""
    return await conn.fetchrow(
        """SELECT p.id, p.name, t.id AS token_id,
                  coalesce(array_agg(s.service_code) FILTER (WHERE s.service_code IS NOT NULL), '{}') AS services,
                  ARRAY(SELECT source_code FROM provider_outcome_sources o WHERE o.provider_id = p.id)
                    AS outcome_sources
             FROM api_tokens t JOIN providers p ON p.id = t.provider_id
             LEFT JOIN provider_services s ON s.provider_id = p.id
            WHERE t.token_hash = $1 AND t.revoked_at IS NULL
            GROUP BY p.id, p.name, t.id""",
        token_hash,
    )


async def list_all(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT p.id, p.name,
                  ARRAY(SELECT service_code FROM provider_services s WHERE s.provider_id = p.id ORDER BY 1) AS services,
                  ARRAY(SELECT id FROM api_tokens t WHERE t.provider_id = p.id AND t.revoked_at IS NULL ORDER BY 1)
                    AS active_token_ids,
                  ARRAY(SELECT source_code FROM provider_outcome_sources o WHERE o.provider_id = p.id ORDER BY 1)
                    AS outcome_sources
             FROM providers p ORDER BY p.id"""
    )


async def by_id(conn: asyncpg.Connection | asyncpg.Pool, provider_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """SELECT p.id, p.name,
                  ARRAY(SELECT service_code FROM provider_services s WHERE s.provider_id = p.id ORDER BY 1) AS services,
                  ARRAY(SELECT source_code FROM provider_outcome_sources o WHERE o.provider_id = p.id ORDER BY 1)
                    AS outcome_sources
             FROM providers p WHERE p.id = $1""", provider_id)


async def exists(conn: asyncpg.Connection | asyncpg.Pool, provider_id: str) -> bool:
    return bool(await conn.fetchval("SELECT true FROM providers WHERE id = $1", provider_id))


async def remove_service(conn: asyncpg.Connection, provider_id: str, code: str) -> None:
    await conn.execute("DELETE FROM provider_services WHERE provider_id = $1 AND service_code = $2", provider_id, code)


async def tokens(conn: asyncpg.Connection | asyncpg.Pool) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT id, provider_id, created_at, revoked_at FROM api_tokens ORDER BY id DESC")


async def allow_outcome_source(conn: asyncpg.Connection, provider_id: str, source_code: str, actor: str) -> bool:
    """True when newly allowed."""
    status = await conn.execute(
        """INSERT INTO provider_outcome_sources (provider_id, source_code, allowed_by) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING""", provider_id, source_code, actor)
    return status.endswith(" 1")


async def disallow_outcome_source(conn: asyncpg.Connection, provider_id: str, source_code: str) -> bool:
    status = await conn.execute(
        "DELETE FROM provider_outcome_sources WHERE provider_id = $1 AND source_code = $2", provider_id, source_code)
    return status.endswith(" 1")
