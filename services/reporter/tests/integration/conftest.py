"""Integration tests on the real PostgreSQL, in a throw-away database, role and schema.

The superuser DSN comes from ``LEAP_TEST_ADMIN_DSN``; without it, the project's
local cluster (``deploy/local/postgres.sh start``) is used over its unix socket.
When none answers the tests are skipped, saying why, unless
``LEAP_REQUIRE_SERVICES`` is set (``make test``), where that is an error.
The session gets a throw-away database and a login role owning schema
``reporter`` in it (``leap_contracts.testing``, exactly what the service gets in
production), migrates, and drops both at the end. No Kafka: tests call the
handlers with envelopes built by ``leap_contracts.envelope.seal``.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import asyncpg
import pytest
import pytest_asyncio

from leap_contracts.envelope import seal
from leap_contracts.testing import throwaway_database
from leap_contracts.events import IndividualsMergedV1, MatchedRecord, RecordsMatchedV1, UploadValidatedV1

from leap_reporter.adapters import database
from leap_reporter.adapters.consumer_state import READ_MODEL_TABLES
from leap_reporter.adapters import progress, read_model_state
from leap_reporter.service.handlers import ReadModelBuilder



def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.integration)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database_url():
    async with throwaway_database("reporter") as url:
        yield url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pool(database_url):
    pool = await database.create_pool(database_url)
    await database.migrate(pool)
    yield pool
    await pool.close()


@pytest_asyncio.fixture(loop_scope="session")
async def db(pool) -> asyncpg.Pool:
    """The session's pool, with an empty read model and the default consumer group."""
    await pool.execute(f"TRUNCATE {', '.join(READ_MODEL_TABLES)}, dead_letter")
    await pool.execute("UPDATE consumer_state SET group_id = 'leap-reporter'")
    return pool


class CountingBuilder(ReadModelBuilder):
    """The read-model builder, plus what the uploader would announce: every upload whose chunk it applies is
    validated with the chunks seen so far (unless a test validated it itself), so the tests' uploads are
    counted and their figures can be up to date. Tests of the watermark use ``ReadModelBuilder``."""

    async def on_records_matched(self, envelope) -> None:
        await super().on_records_matched(envelope)
        if envelope.event_type != "RecordsMatchedV1":
            return
        payload = envelope.payload if isinstance(envelope.payload, dict) else envelope.payload.model_dump()
        async with self.pool.acquire() as conn, conn.transaction():
            known = await conn.fetchval("SELECT chunk_count FROM upload_progress WHERE upload_id = $1",
                                        uuid.UUID(str(payload["upload_id"])))
            if known is None:
                await progress.validated(conn, uuid.UUID(str(payload["upload_id"])), payload["provider_id"],
                                         payload["service_code"], chunk_count=payload["chunk_index"] + 1,
                                         rejected=False, version=await read_model_state.bump(conn))


@pytest.fixture
def builder(db) -> ReadModelBuilder:
    return CountingBuilder(db)


def record(row_number: int, ref: str, engagement_date: date, *, ward: tuple[str, str] | None = None,
           attended: bool = True, beneficiary_type: str = "child") -> MatchedRecord:
    return MatchedRecord(
        row_number=row_number, individual_ref=ref, beneficiary_type=beneficiary_type,
        birth_month="2023-05" if beneficiary_type == "child" else None, gender="female",
        ward_code=ward[0] if ward else None, ward_name=ward[1] if ward else None,
        ethnicity="W1", first_language="English", engagement_date=engagement_date,
        engagement_type="group session", attended=attended,
    )


def matched(service_code: str, records: list[MatchedRecord], *, upload_id: uuid.UUID | None = None,
            chunk_index: int = 0, provider_id: str = "prov-1"):
    event = RecordsMatchedV1(upload_id=upload_id or uuid.uuid4(), provider_id=provider_id,
                             service_code=service_code, chunk_index=chunk_index, records=records,
                             new_individuals=0, matched_existing=len(records))
    return seal(event, producer="matcher", correlation_id=str(event.upload_id))


def merged(survivor_ref: str, merged_refs: list[str]):
    event = IndividualsMergedV1(survivor_ref=survivor_ref, merged_refs=merged_refs, upload_id=uuid.uuid4())
    return seal(event, producer="matcher", correlation_id=str(event.upload_id))


def validated(upload_id: uuid.UUID, **fields):
    event = UploadValidatedV1(upload_id=upload_id, **{
        "provider_id": "prov-1", "service_code": "CAN", "outcome": "accepted", "rows_total": 10,
        "rows_accepted": 9, "rows_rejected": 1, "chunk_count": 1, **fields,
    })
    return seal(event, producer="uploader", correlation_id=str(upload_id))


@pytest.fixture(scope="session")
def events() -> SimpleNamespace:
    """Envelope builders (test modules cannot import each other under --import-mode=importlib)."""
    return SimpleNamespace(record=record, matched=matched, merged=merged, validated=validated)
