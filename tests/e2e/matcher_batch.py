"""A batch of pseudonymised chunks for matcher instances on the real broker and database, and the
clustering they must produce (connected components computed directly)."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import date

import asyncpg
from aiokafka import AIOKafkaProducer

from leap_contracts import topics
from leap_contracts.envelope import encode, seal
from leap_contracts.events import IdentifierTokens, PseudonymisedRecord, RecordsPseudonymisedV1

UPLOADS, CHUNKS, ROWS = 12, 4, 300   # 14,400 records


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
                                                 key=topics.chunk_key(upload, c).encode()))
        await asyncio.gather(*sends)
    finally:
        await producer.stop()


async def wait_for_members(bootstrap: str, group_id: str, topic: str, members: int, deadline_s: float = 60.0) -> None:
    """Until the consumer group is stable with ``members`` consumers holding partitions of ``topic``: a process
    answering "ready" says nothing of its siblings, and a batch published before every worker joined may be
    done before the last one gets a partition (the cause of "one worker got no chunk")."""
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        deadline = asyncio.get_running_loop().time() + deadline_s
        while True:
            [response] = await admin.describe_consumer_groups([group_id])
            _, _, state, _, _, found = response.groups[0][:6]
            holding = sum(1 for member in found if member[4] and any(  # no assignment yet: b""
                t == topic and partitions for t, partitions in
                ConsumerProtocolMemberAssignment.decode(member[4]).assignment))
            if state == "Stable" and holding == members:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"group {group_id}: {state}, {holding} of {members} members hold {topic}")
            await asyncio.sleep(0.2)  # poll, bounded by the deadline
    finally:
        await admin.close()


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
