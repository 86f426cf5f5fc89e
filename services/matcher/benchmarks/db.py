"""A throw-away database for one benchmark run (same server as the tests)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

from leap_matcher.adapters import database

ROOT = Path(__file__).resolve().parents[3]
ADMIN_DSN = os.environ.get("LEAP_TEST_ADMIN_DSN",
                           f"postgresql://postgres@/postgres?host={ROOT}/.state/run/postgres&port=55432")


@contextlib.asynccontextmanager
async def scratch_database() -> AsyncIterator[str]:
    """The URL of a new database with the matcher's schema migrated; dropped afterwards."""
    admin = await asyncpg.connect(ADMIN_DSN)
    name = f"bench_matcher_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_DSN.replace("/postgres?", f"/{name}?")
    try:
        conn = await asyncpg.connect(url)
        await conn.execute(f"CREATE SCHEMA {database.SCHEMA}")
        await conn.close()
        pool = await database.create_pool(url, max_size=1)
        await database.migrate(pool)
        await pool.close()
        yield url
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()
