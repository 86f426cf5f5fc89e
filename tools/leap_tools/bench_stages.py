"""What the end-to-end benchmark reads besides the API: when each stage finished (Kafka timestamps of a
stage's last message for the run's uploads, matched by key; no value is ever decoded), the CPU seconds of
every process, and a slice of a provider file to upload again."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition

from leap_contracts import topics
from leap_tools.cpu import tree_seconds
from leap_tools.localenv import STATE
from leap_tools.throwaway import Platform

STAGES = (("validated", topics.RECORDS_VALIDATED), ("pseudonymised", topics.RECORDS_PSEUDONYMISED),
          ("matched", topics.RECORDS_MATCHED), ("reportable", topics.UPLOAD_REPORTABLE))


@dataclass
class StageClock:
    bootstrap: str
    prefix: str

    def finished(self, upload_ids: set[str]) -> dict[str, float]:
        """Stage name -> epoch seconds of its last message for these uploads (a fresh platform's topics)."""
        return asyncio.run(self._finished(upload_ids))

    async def _finished(self, upload_ids: set[str]) -> dict[str, float]:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        await consumer.start()
        try:
            found: dict[str, float] = {}
            for name, topic in STAGES:
                parts = [TopicPartition(topic.full_name(self.prefix), p) for p in range(topic.partitions)]
                consumer.assign(parts)
                await consumer.seek_to_beginning(*parts)
                ends = await consumer.end_offsets(parts)
                while any([await consumer.position(tp) < ends[tp] for tp in parts]):
                    for messages in (await consumer.getmany(timeout_ms=500, max_records=10_000)).values():
                        for m in messages:  # keys: upload_id, or upload_id:chunk_index
                            if m.key and m.key.decode().split(":")[0] in upload_ids:
                                found[name] = max(found.get(name, 0.0), m.timestamp / 1000)
            return found
        finally:
            await consumer.stop()


def process_cpu(platform: Platform) -> dict[str, float]:
    """CPU seconds so far of each service's process tree, Kafka and PostgreSQL (all of its backends)."""
    found = {name: tree_seconds(p.pid) for name, p in platform.processes.items()}
    kafka = STATE / "run" / "kafka.pid"  # the local broker's (deploy/local/kafka.sh): other brokers may run here
    if kafka.exists():
        found["kafka"] = tree_seconds(int(kafka.read_text().split()[0]))
    postmaster = STATE / "postgres" / "postmaster.pid"
    if postmaster.exists():
        found["postgresql"] = tree_seconds(int(postmaster.read_text().split()[0]))
    return found


def slice_rows(source: Path, target: Path, rows: int) -> Path:
    """The header and the first ``rows`` data lines of a CSV file, bytes as they are (same encoding)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as src, target.open("wb") as dst:
        for n, line in enumerate(src):
            if n > rows:
                break
            dst.write(line)
    return target
