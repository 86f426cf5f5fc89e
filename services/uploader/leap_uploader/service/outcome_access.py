"""Admins allow (or stop) a provider sending outcome extracts of a source; audited."""

from __future__ import annotations

import asyncpg

from leap_contracts.outcomes.catalogue import SOURCES

from leap_uploader.adapters import audit, providers_sql
from leap_uploader.service.providers import InvalidCommand


def _source(code: str) -> str:
    source = code.strip().upper()
    if source not in SOURCES:
        raise InvalidCommand(f"unknown outcome source {source}; known: {', '.join(SOURCES)}")
    return source


async def allow(pool: asyncpg.Pool, actor: str, provider_id: str, source_code: str) -> bool:
    source = _source(source_code)
    async with pool.acquire() as conn, conn.transaction():
        if await providers_sql.by_id(conn, provider_id) is None:
            raise InvalidCommand(f"no provider {provider_id}")
        added = await providers_sql.allow_outcome_source(conn, provider_id, source, actor)
        await audit.record(conn, actor, "outcomes.allowed", target=f"provider:{provider_id}", source=source,
                           changed=added)
    return added


async def disallow(pool: asyncpg.Pool, actor: str, provider_id: str, source_code: str) -> bool:
    source = _source(source_code)
    async with pool.acquire() as conn, conn.transaction():
        removed = await providers_sql.disallow_outcome_source(conn, provider_id, source)
        await audit.record(conn, actor, "outcomes.disallowed", target=f"provider:{provider_id}", source=source,
                           changed=removed)
    return removed
