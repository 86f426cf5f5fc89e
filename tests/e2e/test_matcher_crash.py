"""Kill a matcher instance in the middle of a batch: with a second instance in the same consumer group
(and the killed one restarted), every record is applied exactly once and the individuals are exactly
the connected components computed directly. Runs on the real broker and database (~30-60 s)."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from datetime import date

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from leap_contracts import topics
from leap_contracts.envelope import encode, seal
from leap_contracts.events import IdentifierTokens, PseudonymisedRecord, RecordsPseudonymisedV1

from harness import create_platform, drop_platform, free_port

pytestmark = pytest.mark.e2e
UPLOADS, CHUNKS, ROWS = 12, 4, 300   # 14,400 records
INSTANCES = {"matcher-1": free_port(), "matcher-2": free_port()}


def token(name: str) -> str:
    return name.encode().hex().ljust(64, "0")


def generated_rows(seed: int = 7) -> list[tuple[uuid.UUID, int, list[str]]]:
    rng = random.Random(seed)
    rows = []
    for u in range(UPLOADS):
        upload = uuid.UUID(int=u + 1)
        for n in range(CHUNKS * ROWS):
            names = [f"p{u % 4}-{rng.randrange(1500)}"]            # provider record id, per service
            if rng.random() < 0.5:
                names.append(f"e{rng.randrange(5000)}")           # e-mail shared across uploads
            rows.append((upload, n + 2, names))
    return rows


def components(rows) -> list[list]:
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for upload, row, names in rows:
        for name in names:
            parent[find(("r", upload, row))] = find(("t", name))
    groups: dict = {}
    for upload, row, _ in rows:
        groups.setdefault(find(("r", upload, row)), []).append((upload, row))
    return sorted(sorted(g) for g in groups.values())


async def publish(bootstrap: str, prefix: str, rows) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=16 * 1024 * 1024, linger_ms=20)
    await producer.start()
    try:
        by_upload: dict = {}
        for upload, row, names in rows:
            by_upload.setdefault(upload, []).append((row, names))
        kinds = ("provider_record_id", "email")
        sends = []
        for upload, upload_rows in by_upload.items():
            for c in range(CHUNKS):
                records = [PseudonymisedRecord(
                    row_number=row, beneficiary_type="adult", engagement_date=date(2025, 1, 1 + row % 28),
                    tokens=IdentifierTokens(**{k: token(v) for k, v in zip(kinds, names)}))
                    for row, names in upload_rows[c * ROWS:(c + 1) * ROWS]]
                event = RecordsPseudonymisedV1(upload_id=upload, provider_id="p", service_code=f"S{upload.int % 4}",
                                               chunk_index=c, spec_version="1", key_id="k", records=records)
                sends.append(await producer.send(topics.RECORDS_PSEUDONYMISED.full_name(prefix),
                                                 encode(seal(event, producer="test", correlation_id=str(upload))),
                                                 key=str(upload).encode()))
        await asyncio.gather(*sends)
    finally:
        await producer.stop()


async def count_records(url: str) -> int:
    conn = await asyncpg.connect(url, server_settings={"search_path": "matcher"})
    try:
        return await conn.fetchval("SELECT count(*) FROM record")
    finally:
        await conn.close()


async def read_partition(url: str) -> tuple[list[list], int]:
    conn = await asyncpg.connect(url, server_settings={"search_path": "matcher"})
    try:
        rows = await conn.fetch("SELECT upload_id, row_number, individual_id FROM record")
        live = await conn.fetchval("SELECT count(*) FROM individual WHERE merged_into IS NULL AND NOT removed")
    finally:
        await conn.close()
    groups: dict = {}
    for r in rows:
        groups.setdefault(r["individual_id"], []).append((r["upload_id"], r["row_number"]))
    return sorted(sorted(g) for g in groups.values()), live


@pytest.fixture(scope="module")
def matchers():
    platform = create_platform()
    try:
        for name, port in INSTANCES.items():
            platform.start("matcher", instance=name, port=port)
        yield platform
    finally:
        drop_platform(platform)


def test_killing_an_instance_mid_batch_changes_nothing(matchers):
    env, rows = matchers.env, generated_rows()
    url = env["MATCHER_DATABASE_URL"]
    asyncio.run(publish(env["MATCHER_KAFKA_BOOTSTRAP"], matchers.prefix, rows))

    deadline = time.monotonic() + 90
    while (applied := asyncio.run(count_records(url))) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)  # poll until the batch is under way
    assert 0 < applied < len(rows), "the batch finished before the kill: make it bigger"
    matchers.stop("matcher-1", kill=True)                       # SIGKILL, mid-transaction
    matchers.start("matcher", instance="matcher-1", port=INSTANCES["matcher-1"])

    while (applied := asyncio.run(count_records(url))) < len(rows) and time.monotonic() < deadline:
        time.sleep(0.2)  # poll, bounded by the deadline
    assert applied == len(rows)
    got, live = asyncio.run(read_partition(url))
    expected = components(rows)
    assert got == expected
    assert live == len(expected)
