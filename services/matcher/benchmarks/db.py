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


def admin_dsn() -> str:
    """The test servers' superuser DSN: LEAP_TEST_ADMIN_DSN, or those ``LEAP_TEST_SERVERS`` picks (containers of
    the project's images started for this run, or the local cluster)."""
    if "LEAP_TEST_ADMIN_DSN" in os.environ or "LEAP_TEST_SERVERS" not in os.environ:
        return os.environ.get("LEAP_TEST_ADMIN_DSN",
                              f"postgresql://postgres@/postgres?host={ROOT}/.state/run/postgres&port=55432")
    from leap_contracts.testing_servers import servers
    return servers().admin_dsn


@contextlib.asynccontextmanager
async def scratch_database() -> AsyncIterator[str]:
    """The URL of a new database with the matcher's schema migrated; dropped afterwards."""
    dsn = admin_dsn()
    admin = await asyncpg.connect(dsn)
    name = f"bench_matcher_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = dsn.replace("/postgres?", f"/{name}?") if "/postgres?" in dsn else dsn.rsplit("/", 1)[0] + f"/{name}"
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
