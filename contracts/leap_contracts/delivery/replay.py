"""Send dead letters back to the topic they came from, once their cause is fixed.

    python -m leap_contracts.delivery.replay --group leap-matcher [--prefix P] [--bootstrap HOST:PORT]
                                             [--restricted] [--dry-run]

Reads the dead-letter topic (``platform.dead-letter.v1``; ``restricted.dead-letter.v1`` with
``--restricted``, run inside the restricted zone) from where the previous replay for that consumer
group stopped, up to its end as it is now. Every letter given up by consumer group ``GROUP`` is
published again, unchanged, to its source topic under its original key (so it lands on its original
partition, after whatever was published there since: replay a letter only when applying it late is
right, e.g. after the fix of a bug that rejected it); the replayer's position is committed as it
goes (its own consumer group, ``<prefix>dead-letter-replay.<group>``), never past the end it started
from, so each letter is replayed once. Consumers dedupe by event id: a letter that other groups
already processed changes nothing for them, and one that fails again is dead-lettered again, for the
next replay. Nothing is lost. The summary names topics and error causes, never values.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from leap_contracts import topics
from leap_contracts.delivery.runtime import COMPRESSION, MAX_MESSAGE_BYTES
from leap_contracts.kafka_auth import client_options


@dataclass(frozen=True)
class Letter:
    source_topic: str
    key: bytes | None
    value: bytes
    error: str


def letter_for(group_id: str, key: bytes | None, value: bytes, headers: Sequence[tuple[str, bytes]]) -> Letter | None:
    """The letter to replay from one dead-letter record, or None when another consumer group gave it up."""
    found = dict(headers)
    if found.get("group_id", b"").decode() != group_id or not key:
        return None
    original_key = found.get("key")
    return Letter(key.decode(), original_key or None, value, found.get("error", b"").decode()[:80])


async def replay(*, bootstrap: str, prefix: str, group: str, restricted: bool = False,
                 dry_run: bool = False) -> Counter[tuple[str, str]]:
    """Replay GROUP's dead letters; returns how many per (source topic, error cause)."""
    topic = topics.RESTRICTED_DEAD_LETTER if restricted else topics.DEAD_LETTER
    dead_letters = topic.full_name(prefix)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=f"{prefix}dead-letter-replay.{group}",
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                max_partition_fetch_bytes=MAX_MESSAGE_BYTES, **client_options())
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                                max_request_size=MAX_MESSAGE_BYTES, compression_type=COMPRESSION, **client_options())
    await consumer.start()
    await producer.start()
    replayed: Counter[tuple[str, str]] = Counter()
    try:
        partitions = [TopicPartition(dead_letters, p) for p in range(topic.partitions)]
        consumer.assign(partitions)
        end = await consumer.end_offsets(partitions)
        while pending := [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            batch = await consumer.getmany(*pending, timeout_ms=1000)
            for tp, records in batch.items():
                for record in records:
                    if record.offset >= end[tp]:
                        continue  # arrived after we started: the next replay takes it
                    letter = letter_for(prefix + group, record.key, record.value, record.headers)
                    if letter is None:
                        continue
                    if not dry_run:
                        await producer.send_and_wait(letter.source_topic, letter.value, key=letter.key)
                    replayed[(letter.source_topic, letter.error.split(":")[0])] += 1
            if not dry_run:  # never past the end we started from: later letters wait for the next replay
                await consumer.commit({tp: min(await consumer.position(tp), end[tp]) for tp in partitions})
    finally:
        await producer.stop()
        await consumer.stop()
    return replayed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--group", required=True, help="the consumer group that gave the letters up, e.g. leap-matcher")
    parser.add_argument("--prefix", default="", help="topic and group prefix of the deployment")
    parser.add_argument("--bootstrap", default="127.0.0.1:19092")
    parser.add_argument("--restricted", action="store_true", help="replay restricted.dead-letter.v1 (restricted zone)")
    parser.add_argument("--dry-run", action="store_true", help="count what would be replayed, send nothing")
    args = parser.parse_args(argv)
    replayed = asyncio.run(replay(bootstrap=args.bootstrap, prefix=args.prefix, group=args.group,
                                  restricted=args.restricted, dry_run=args.dry_run))
    verb = "would replay" if args.dry_run else "replayed"
    for (topic, cause), count in sorted(replayed.items()):
        print(f"{verb} {count} to {topic} ({cause})")
    print(f"{verb} {sum(replayed.values())} dead letter(s) of group {args.prefix}{args.group}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
