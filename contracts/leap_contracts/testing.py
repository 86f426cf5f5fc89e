"""Test support every package shares: a throw-away database on the real PostgreSQL, and a unit of work
without one (:class:`FakeUnitOfWork`) for a handler's unit tests.

The server is the one ``leap_contracts.testing_servers`` picks (``LEAP_TEST_SERVERS``): a container of the
project's own ``leap/postgres`` image, or the local cluster (``LEAP_TEST_ADMIN_DSN``, a superuser DSN; default:
the project-local cluster's socket, started by ``deploy/local/postgres.sh start``). When no server answers,
tests are skipped saying why, unless ``LEAP_REQUIRE_SERVICES`` is set (as ``make test`` does), where that is
an error.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from leap_contracts.delivery.handlers import UnitOfWork
from leap_contracts.delivery.outbox import Outbox
from leap_contracts.envelope import Envelope, open_envelope, receive, seal
from leap_contracts.events.base import Event
from leap_contracts.plain import open_plain
from leap_contracts.testing_servers import servers

ROOT = Path(__file__).resolve().parents[2]


def _dsn(admin_dsn: str, *, database: str, user: str | None = None, password: str | None = None) -> str:
    parts = urlsplit(admin_dsn)
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{user}:{password}@{host}" if user else parts.netloc
    return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, ""))


@asynccontextmanager
async def throwaway_database(schema: str) -> AsyncIterator[str]:
    """A fresh database and a login role owning it and ``schema`` in it — what a service gets in
    production — yielding the role's DSN; both are dropped afterwards."""
    import pytest

    admin_dsn = servers().admin_dsn
    try:
        admin = await asyncpg.connect(admin_dsn, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        if os.environ.get("LEAP_REQUIRE_SERVICES"):  # set by `make test`: never skip silently there
            raise
        pytest.skip(f"no PostgreSQL for integration tests ({type(exc).__name__}: {exc}); "
                    "set LEAP_TEST_ADMIN_DSN or run `bash deploy/local/postgres.sh start`")
    name, password = f"test_{schema}_{secrets.token_hex(4)}", secrets.token_hex(16)
    try:
        await admin.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")  # generated hex only
        await admin.execute(f"CREATE DATABASE {name} OWNER {name} TEMPLATE template0")
        owner = await asyncpg.connect(_dsn(admin_dsn, database=name))
        try:
            await owner.execute(f"REVOKE ALL ON DATABASE {name} FROM PUBLIC; "
                                f"CREATE SCHEMA {schema} AUTHORIZATION {name}")
        finally:
            await owner.close()
        yield _dsn(admin_dsn, database=name, user=name, password=password)
    finally:
        if admin.is_closed():  # the server restarted meanwhile (the fault-injection test restarts it)
            admin = await asyncpg.connect(admin_dsn, timeout=30)
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.execute(f"DROP ROLE IF EXISTS {name}")
        await admin.close()


class _NoDatabase:
    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("a FakeUnitOfWork has no database: give the service fake adapters instead")


class FakeUnitOfWork(UnitOfWork):
    """A unit of work without a database, for a handler's unit tests: ``await uow.deliver(handle, event)`` calls
    the handler as the runtime would (inside a transaction, inbox claimed), and :attr:`published` holds the
    events it queued, decoded from the bytes the real outbox would store. Its ``conn`` refuses any use: hand the
    service fake adapters."""

    def __init__(self, *, producer: str = "test", correlation_id: str = "test-correlation",
                 topic_prefix: str = "") -> None:
        super().__init__(conn=cast(asyncpg.Connection, _NoDatabase()),
                         outbox=Outbox(None, producer=producer, correlation_id=correlation_id,
                                       topic_prefix=topic_prefix))

    async def deliver(self, handle: Callable[[Any, UnitOfWork], Awaitable[None]], event: Event, *,
                      plain: bool = False) -> None:
        """``handle(event, self)``, the event sealed as a message of ``correlation_id`` (``uow.envelope``);
        ``plain``: the event as its plain Struct, as a handler declared ``plain=True`` gets it."""
        self.envelope = seal(event, producer="test-sender", correlation_id=self.outbox.correlation_id,
                             event_id=uuid.uuid4())
        await handle(open_plain(self.envelope, type(event)) if plain else event, self)

    @property
    def published(self) -> list[tuple[str, str, Event]]:
        """(full topic name, key, event) of everything queued, in order."""
        return [(topic, key, open_envelope(receive(value))) for topic, key, value in self.outbox.pending]

    @property
    def envelopes(self) -> list[Envelope]:
        """The envelopes queued (producer, correlation id), payloads as their models."""
        return [receive(value) for _, _, value in self.outbox.pending]
