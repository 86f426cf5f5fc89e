"""A throw-away database with one schema, for the delivery runtime's integration tests."""

import pytest

from leap_contracts.testing import throwaway_database


@pytest.fixture(scope="session")
async def database_url():
    async with throwaway_database("svc") as url:
        yield url
