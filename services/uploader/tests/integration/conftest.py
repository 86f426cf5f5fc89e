"""Integration tests on the real PostgreSQL: a throw-away database and role for the session.

``LEAP_TEST_ADMIN_DSN`` is a superuser DSN; by default the project-local cluster's
socket (start it with ``bash deploy/local/postgres.sh start``). The app runs its
real lifespan (pool, migrations) without Kafka; handlers are called directly.
"""

from __future__ import annotations

import base64
import os
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from leap_contracts import identity
from leap_contracts.envelope import Envelope, decode
from leap_contracts.testing import throwaway_database
from leap_uploader.app import create_app
from leap_uploader.bootstrap import Services
from leap_uploader.service.providers import create_provider
from leap_uploader.settings import Settings

pytestmark = pytest.mark.integration
sys.path.insert(0, str(Path(__file__).parent))  # uploader_web_helpers (import mode is importlib)

REPORTER_URL = "https://reporter.example/dash"
IDENTITY_PRIVATE, IDENTITY_PUBLIC = identity.new_key_pair()
TABLES = ("providers, provider_services, api_tokens, uploads, upload_problems, raw_files, matched_chunks, "
          "outbox, inbox, dead_letter, users, sessions, known_devices, sign_in_failures, audit_log, mappings, "
          "provider_outcome_sources")


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with throwaway_database("uploader") as url:
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, storage_key=base64.b64encode(os.urandom(32)).decode(),
                    topic_prefix="test.", sign_in_address_limit=8,
                    pseudo_key_id="programme-key-1", pseudo_key_check_value="0123456789ab",
                    identity_signing_key=IDENTITY_PRIVATE, reporter_url=REPORTER_URL)


@pytest.fixture(scope="session")
def identity_public_key():
    """What the reporter would hold to check this uploader's sign-in assertions."""
    return identity.load_public_key(IDENTITY_PUBLIC)


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings, messaging=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def services(app: FastAPI) -> Services:
    return app.state.services


@pytest.fixture
async def pool(services: Services) -> AsyncIterator[asyncpg.Pool]:
    await services.pool.execute(f"TRUNCATE {TABLES} RESTART IDENTITY")
    yield services.pool


@pytest.fixture
async def client(app: FastAPI, pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://uploader") as c:
        yield c


@pytest.fixture
def make_provider(pool: asyncpg.Pool):
    async def make(provider_id: str, *services: str) -> dict[str, str]:
        issued = await create_provider(pool, provider_id, f"{provider_id} name", services)
        return {"Authorization": f"Bearer {issued.token}"}
    return make


class Helpers:
    """What most tests need: post a file, read the outbox."""

    def __init__(self, client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
        self.client, self.pool = client, pool

    async def post_file(self, headers: dict[str, str], content: bytes, service: str = "CAN",
                        filename: str = "Smith family contacts.csv") -> httpx.Response:
        return await self.client.post("/api/v1/uploads", headers=headers, data={"service": service},
                                      files={"file": (filename, content, "application/octet-stream")})

    async def upload(self, headers: dict[str, str], content: bytes, service: str = "CAN") -> uuid.UUID:
        response = await self.post_file(headers, content, service)
        assert response.status_code == 202, response.text
        return uuid.UUID(response.json()["upload_id"])

    async def outbox(self, topic_suffix: str) -> list[tuple[str, Envelope]]:
        rows = await self.pool.fetch("SELECT key, value FROM outbox WHERE topic = $1 ORDER BY id", "test." + topic_suffix)
        return [(r["key"], decode(r["value"])) for r in rows]

    async def file_received(self, upload_id: uuid.UUID) -> Envelope:
        found = [e for key, e in await self.outbox("uploads.file-received.v1") if key == str(upload_id)]
        assert len(found) == 1
        return found[0]

    async def upload_row(self, upload_id: uuid.UUID) -> asyncpg.Record:
        return await self.pool.fetchrow("SELECT * FROM uploads WHERE upload_id = $1", upload_id)


@pytest.fixture
def h(client: httpx.AsyncClient, pool: asyncpg.Pool) -> Helpers:
    return Helpers(client, pool)
