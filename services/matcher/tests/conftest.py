"""Integration fixtures: a throw-away database on the real PostgreSQL for this test session."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import asyncpg
import pytest

from leap_matcher.adapters import database

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_ADMIN_DSN = f"postgresql://postgres@/postgres?host={ROOT}/.state/run/postgres&port=55432"


@pytest.fixture(scope="session")
async def database_url():
    admin_dsn = os.environ.get("LEAP_TEST_ADMIN_DSN", DEFAULT_ADMIN_DSN)
    try:
        admin = await asyncpg.connect(admin_dsn)
    except (OSError, asyncpg.PostgresError) as exc:
        if os.environ.get("LEAP_REQUIRE_SERVICES"):  # set by `make test`: never skip silently there
            raise
        pytest.skip(f"no PostgreSQL for integration tests ({exc}); run deploy/local/postgres.sh start")
    name = f"test_matcher_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = admin_dsn.replace("/postgres?", f"/{name}?")
    conn = await asyncpg.connect(url)
    await conn.execute(f"CREATE SCHEMA {database.SCHEMA}")
    await conn.close()
    yield url
    await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    await admin.close()


@pytest.fixture
async def pool(database_url):
    pool = await database.create_pool(database_url, max_size=8)
    await database.migrate(pool)
    async with pool.acquire() as conn:
        await conn.execute("TRUNCATE record, identifier, individual, inbox, outbox, dead_letter, carer_token, relationship, withdrawn_upload RESTART IDENTITY CASCADE")
    yield pool
    await pool.close()
