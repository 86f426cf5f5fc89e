"""Integration fixtures: a throw-away database on the real PostgreSQL for this test session."""

from __future__ import annotations

import pytest

from leap_contracts.testing import throwaway_database

from leap_matcher.adapters import database


@pytest.fixture(scope="session")
async def database_url():
    async with throwaway_database(database.SCHEMA) as url:
        yield url


@pytest.fixture
async def pool(database_url):
    pool = await database.create_pool(database_url, max_size=8)
    await database.migrate(pool)
    async with pool.acquire() as conn:
        await conn.execute("TRUNCATE record, identifier, individual, inbox, outbox, dead_letter, carer_token, relationship, "
                           "withdrawn_upload, outcome_chunk, outcome_link RESTART IDENTITY CASCADE")
    yield pool
    await pool.close()
