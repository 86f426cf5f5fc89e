"""A message no consumer can process goes to the dead-letter topic, is counted, and does not block the partition."""

import asyncio
import re
import subprocess
import sys
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
    return await _read_dead_letters(bootstrap, prefix, 1)


async def _read_dead_letters(bootstrap: str, prefix: str, copies: int) -> list:
    """The poison message's dead letters, once ``copies`` of them are there (or [] after a minute)."""
    consumer = AIOKafkaConsumer(topics.DEAD_LETTER.full_name(prefix), bootstrap_servers=bootstrap,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        deadline, found = time.monotonic() + 60, []
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            found += [m for messages in batch.values() for m in messages if m.value == b"{not json"]
            if len(found) >= copies:
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


def test_dead_letters_are_replayed_to_their_source_once(platform):
    """The replay command sends the letter back under its key; still unprocessable, it is dead-lettered
    again (nothing lost), and a second replay finds only the new letter."""
    bootstrap, prefix = platform.env["MATCHER_KAFKA_BOOTSTRAP"], platform.prefix
    if not asyncio.run(_read_dead_letters(bootstrap, prefix, 1)):
        asyncio.run(_publish_and_read_dead_letter(bootstrap, prefix))
    replay = [sys.executable, "-m", "leap_contracts.delivery.replay", "--group", "leap-matcher",
              "--prefix", prefix, "--bootstrap", bootstrap]
    done = subprocess.run(replay, capture_output=True, text=True, timeout=120, check=True)
    assert f"replayed 1 dead letter(s) of group {prefix}leap-matcher" in done.stdout, done.stdout
    again = asyncio.run(_read_dead_letters(bootstrap, prefix, 2))
    assert len(again) == 2 and dict(again[1].headers)["key"] == b"poison"
    second = subprocess.run(replay, capture_output=True, text=True, timeout=120, check=True)
    assert "replayed 1 dead letter(s)" in second.stdout, second.stdout
