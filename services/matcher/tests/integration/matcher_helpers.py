"""Building chunk and withdrawal events for the matcher's integration tests."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import date

from leap_contracts.envelope import decode, open_envelope, seal
from leap_contracts.events import (
    CarerTokens,
    IdentifierTokens,
    PseudonymisedRecord,
    RecordsPseudonymisedV1,
    UploadWithdrawnV1,
)


def token(name: str) -> str:
    return name.encode().hex().ljust(64, "0")


def record(row: int, ids: dict, *, kind="adult", day=1, carer: dict | None = None, **attributes):
    return PseudonymisedRecord(
        row_number=row, beneficiary_type=kind, engagement_date=date(2024, 5, day),
        tokens=IdentifierTokens(**{k: token(v) for k, v in ids.items()}),
        carer_tokens=CarerTokens(**{k: token(v) for k, v in (carer or {}).items()}), **attributes)


def chunk(upload_id, index, records, provider="p1", service="CAN"):
    event = RecordsPseudonymisedV1(upload_id=upload_id, provider_id=provider, service_code=service,
                                   chunk_index=index, spec_version="1", key_id="k", records=records)
    return seal(event, producer="test", correlation_id=str(upload_id))


def withdrawal(upload_id, provider="p1", service="CAN", replaced_by=None):
    event = UploadWithdrawnV1(upload_id=upload_id, provider_id=provider, service_code=service, replaced_by=replaced_by)
    return seal(event, producer="test", correlation_id=str(upload_id))


async def partition(pool):
    rows = await pool.fetch("SELECT upload_id, row_number, individual_id FROM record")
    groups: dict[int, set] = {}
    for r in rows:
        groups.setdefault(r["individual_id"], set()).add((str(r["upload_id"]), r["row_number"]))
    return sorted(sorted(g) for g in groups.values())


async def events(pool, event_type=None):
    found = [decode(r["value"]) for r in await pool.fetch("SELECT value FROM outbox ORDER BY id")]
    for envelope in found:
        open_envelope(envelope)  # every event the matcher queues is valid under its contract model
    return [e for e in found if event_type is None or e.event_type == event_type]


async def changes(pool, kind: str) -> list[dict]:
    """The ``kind`` changes (merged, quarantined, split, ended, linked) of every IndividualsChangedV2 queued, in
    order; each chunk's RecordsMatchedV1 / RecordsWithdrawnV1 carries the same changes."""
    found = []
    for envelope in await events(pool):
        if envelope.event_type == "IndividualsChangedV2":
            found += envelope.payload["changes"][kind]
        elif envelope.event_type in ("RecordsMatchedV1", "RecordsWithdrawnV1"):
            assert envelope.payload["changes"] is not None
    return found


async def ref_of(pool, upload_id, row):
    return await pool.fetchval("SELECT i.ref FROM record r JOIN individual i ON i.id = r.individual_id "
                               "WHERE r.upload_id = $1 AND r.row_number = $2", upload_id, row)


def new_upload() -> uuid.UUID:
    return uuid.uuid4()


@contextlib.asynccontextmanager
async def emptied(database_url: str):
    """A pool on the test database with the matcher's tables emptied: one per Hypothesis example (a
    function-scoped fixture is not set up again between the examples of one test)."""
    from leap_matcher.adapters import database

    pool = await database.create_pool(database_url, max_size=8)
    await database.migrate(pool)
    try:
        async with pool.acquire() as conn:
            await conn.execute("TRUNCATE record, identifier, individual, inbox, outbox, carer_token, relationship, "
                               "withdrawn_upload CASCADE")
        yield pool
    finally:
        await pool.close()


async def apply_concurrently(matchers, messages) -> None:
    """Deal ``messages`` round-robin to ``matchers`` (instances); each applies its share in order, all at once."""
    async def run(matcher, queue):
        for envelope in queue:
            if envelope.event_type == "UploadWithdrawnV1":
                await matcher.on_upload_withdrawn(envelope)
            else:
                await matcher.on_records_pseudonymised(envelope)

    await asyncio.gather(*(run(m, messages[i::len(matchers)]) for i, m in enumerate(matchers)))
