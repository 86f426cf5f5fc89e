"""A message no consumer can process goes to the dead-letter topic, is counted, and does not block the partition."""

import asyncio
import re
import time

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from leap_contracts import topics

pytestmark = pytest.mark.e2e


async def _publish_and_read_dead_letter(bootstrap: str, prefix: str) -> list:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topics.RECORDS_PSEUDONYMISED.full_name(prefix), b"{not json", key=b"poison")
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(topics.DEAD_LETTER.full_name(prefix), bootstrap_servers=bootstrap,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            found = [m for messages in batch.values() for m in messages if m.value == b"{not json"]
            if found:
                return found
        return []
    finally:
        await consumer.stop()


def _dead_letters_counted(metrics: str) -> float:
    match = re.search(r'dead_letters_total\{topic="records.pseudonymised.v1"\} ([0-9.]+)', metrics)
    return float(match.group(1)) if match else 0.0


def test_poison_message_is_dead_lettered_and_counted(platform):
    found = asyncio.run(_publish_and_read_dead_letter(platform.env["MATCHER_KAFKA_BOOTSTRAP"], platform.prefix))
    assert found, "the poison message never reached the dead-letter topic"
    headers = dict(found[0].headers)
    assert headers["group_id"].decode().endswith("leap-matcher")
    assert b"undecodable" in headers["error"]
    metrics = httpx.get(f"{platform.url('matcher')}/metrics", timeout=10).text
    assert _dead_letters_counted(metrics) >= 1
