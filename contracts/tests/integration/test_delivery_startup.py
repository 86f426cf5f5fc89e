"""A service started while its database or broker is down waits for it (issue 15: it used to exit at once).

The database: the service's role may not log in, and is allowed again a moment later. The broker: the bootstrap
address is a port where nothing listens yet; a moment later a forwarder to the real broker opens there (the
broker then advertises its own address, so only the first contact goes through the forwarder).
"""

import asyncio
import contextlib
from urllib.parse import urlsplit

import pytest

from leap_contracts.delivery import database
from leap_contracts.delivery.health import Backoff, DeliveryMetrics
from leap_contracts.delivery.runtime import messaging
from leap_contracts.delivery.startup import until_reachable

pytestmark = pytest.mark.integration


async def test_the_pool_waits_for_a_database_that_refuses_the_service(database_url, database_admin):
    role = urlsplit(database_url).username
    await database_admin.execute(f"ALTER ROLE {role} NOLOGIN")  # generated name (leap_contracts.testing)
    try:
        starting = asyncio.create_task(database.create_pool(database_url, schema="svc"))
        await asyncio.sleep(1.5)
        assert not starting.done(), "gave up (or connected) while the database refused the service"
    finally:
        await database_admin.execute(f"ALTER ROLE {role} LOGIN")
    pool = await asyncio.wait_for(starting, 60)
    try:
        assert await database.migrate(pool, schema="svc", package="leap_contracts.delivery") is not None
        assert await pool.fetchval("SELECT 1") == 1
    finally:
        await pool.close()


async def test_other_failures_still_end_the_start_up_at_once():
    async def broken():
        raise ValueError("a bad setting")

    with pytest.raises(ValueError):
        await asyncio.wait_for(until_reachable("nothing", broken, backoff=Backoff(first=0.01)), 5)


@contextlib.asynccontextmanager
async def forwarder(port: int, target: str):
    host, target_port = target.rsplit(":", 1)

    async def pipe(reader, writer):
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def handle(reader, writer):
        upstream_reader, upstream_writer = await asyncio.open_connection(host, int(target_port))
        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    try:
        yield
    finally:
        server.close()


async def test_messaging_waits_for_a_broker_that_is_not_there_yet(pool, kafka_bootstrap):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    async def start():
        async with messaging(bootstrap=f"127.0.0.1:{port}", topic_prefix="test-startup.", group_id="leap-startup",
                             pool=pool, subscriptions=(), metrics=DeliveryMetrics(), max_attempts=3) as running:
            return running.relay is not None

    starting = asyncio.create_task(start())
    await asyncio.sleep(2.0)
    assert not starting.done(), "gave up while the broker was not there"
    async with forwarder(port, kafka_bootstrap):
        assert await asyncio.wait_for(starting, 60)
