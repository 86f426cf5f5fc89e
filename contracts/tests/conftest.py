"""A throw-away database with one schema, and the real Kafka, for the delivery runtime's integration tests."""

import os

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from leap_contracts.delivery import database
from leap_contracts.testing import throwaway_database
from leap_contracts.testing_servers import servers


@pytest.fixture(scope="session")
async def database_url():
    async with throwaway_database("svc") as url:
        yield url


@pytest.fixture
async def pool(database_url):
    pool = await database.create_pool(database_url, schema="svc", max_size=4)
    await database.migrate(pool, schema="svc", package="leap_contracts.delivery")
    await pool.execute("TRUNCATE inbox, outbox, dead_letter")
    yield pool
    await pool.close()


@pytest.fixture
async def database_admin(database_url):
    """A superuser connection, to take the database away from the service as an outage would."""
    conn = await asyncpg.connect(servers().admin_dsn)
    yield conn
    await conn.close()


@pytest.fixture(scope="session")
async def kafka_bootstrap():
    """The real Kafka (``leap_contracts.testing_servers``: a container of the project's image, or
    ``LEAP_TEST_KAFKA_BOOTSTRAP``, default the project-local broker). When none answers the tests are skipped
    saying why, unless ``LEAP_REQUIRE_SERVICES`` is set (as ``make test`` does)."""
    bootstrap = servers().kafka_bootstrap
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
    except KafkaError as exc:
        if os.environ.get("LEAP_REQUIRE_SERVICES"):
            raise
        pytest.skip(f"no Kafka for integration tests ({type(exc).__name__}); set LEAP_TEST_KAFKA_BOOTSTRAP "
                    "or run `bash deploy/local/kafka.sh start`")
    finally:
        await admin.close()
    return bootstrap
