"""A throw-away database with one schema, for the delivery runtime's integration tests."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import asyncpg
import pytest

ROOT = Path(__file__).resolve().parents[2]
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
    name = f"test_delivery_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = admin_dsn.replace("/postgres?", f"/{name}?")
    conn = await asyncpg.connect(url)
    await conn.execute("CREATE SCHEMA svc")
    await conn.close()
    yield url
    await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    await admin.close()
