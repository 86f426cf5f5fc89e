"""Connection pool and migrations for this service's own schema (see leap_contracts.delivery.database)."""

from __future__ import annotations

import asyncpg

from leap_contracts.delivery import database

SCHEMA = "uploader"


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 5) -> asyncpg.Pool:
    return await database.create_pool(url, schema=SCHEMA, min_size=min_size, max_size=max_size)


async def migrate(pool: asyncpg.Pool) -> list[str]:
    return await database.migrate(pool, schema=SCHEMA, package="leap_uploader.migrations")
