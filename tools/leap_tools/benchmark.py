"""``python -m leap_tools.benchmark --rows N``: push N generated rows through the running platform.

Prints, for each stage, when its last event for this run was written and the
rows per second up to then, and the end-to-end rate (POST of the first file to
the reporter having consumed every matched chunk). Timing is read from Kafka
message timestamps and keys (upload ids); no message value is ever decoded.
Generation time is excluded. Run against ``make run``'s platform.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import time
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from rich.console import Console
from rich.table import Table

from leap_contracts import topics
from leap_tools.client import PlatformClient
from leap_tools.generator.run import generate
from leap_tools.localenv import STATE, create_provider, platform_env, service_url

console = Console()
STAGES = (("validated", topics.RECORDS_VALIDATED), ("pseudonymised", topics.RECORDS_PSEUDONYMISED),
          ("matched", topics.RECORDS_MATCHED))


def machine() -> str:
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores ({model}), {mem_kb / 1024 / 1024:.1f} GiB, Python {platform.python_version()}"


async def end_offsets(bootstrap: str, prefix: str) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        parts = [TopicPartition(t.full_name(prefix), p) for _, t in STAGES for p in range(t.partitions)]
        return await consumer.end_offsets(parts)
    finally:
        await consumer.stop()


async def last_timestamps(bootstrap: str, since: dict[TopicPartition, int], upload_ids: set[str]) -> dict[str, float]:
    """Per topic, the newest message timestamp (s) among this run's uploads (matched by key)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(since))
        for tp, offset in since.items():
            consumer.seek(tp, offset)
        ends = await consumer.end_offsets(list(since))
        latest: dict[str, float] = {}
        async def behind() -> bool:
            return any([await consumer.position(tp) < ends[tp] for tp in since])

        while await behind():
            for tp, messages in (await consumer.getmany(timeout_ms=500, max_records=5000)).items():
                for m in messages:
                    if m.key and m.key.decode() in upload_ids:
                        latest[tp.topic] = max(latest.get(tp.topic, 0.0), m.timestamp / 1000)
        return latest
    finally:
        await consumer.stop()


async def reporter_caught_up(bootstrap: str, prefix: str, group: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    ends = await end_offsets(bootstrap, prefix)
    matched = {tp: end for tp, end in ends.items() if tp.topic == topics.RECORDS_MATCHED.full_name(prefix)}
    return all(committed.get(tp) and committed[tp].offset >= end for tp, end in matched.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=None, help="default: a new seed, so the rows are new to the platform")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(10**9)

    env = platform_env()
    bootstrap, prefix = env.get("UPLOADER_KAFKA_BOOTSTRAP", "127.0.0.1:19092"), env.get("UPLOADER_TOPIC_PREFIX", "")
    data = STATE / "bench" / f"rows-{args.rows}-seed-{seed}"
    console.print(f"benchmark: generating {args.rows:,} rows (CSV, seed {seed}) in {data}")
    generate(args.rows, data, seed=seed, formats="csv")
    manifest = json.loads((data / "manifest.json").read_text())
    token = create_provider(env, f"bench-{seed}", "Benchmark provider", sorted({f["service"] for f in manifest["files"]}))
    client = PlatformClient(service_url(env, "uploader", 8001), service_url(env, "reporter", 8004), token,
                            reporter_token=env.get("REPORTER_ANALYST_TOKEN"), timeout=600)

    since = asyncio.run(end_offsets(bootstrap, prefix))
    t0 = time.time()
    upload_ids = [client.upload(data / f["file"], f["service"]) for f in manifest["files"]]
    posted = time.time()
    with console.status("benchmark: processing") as status:
        results = client.wait_final(upload_ids, deadline_s=3600,
                                    progress=lambda d, t: status.update(f"benchmark: {d}/{t} uploads done"))
        group = prefix + httpx.get(f"{client.reporter_url}/health/ready", timeout=10).json()["consumer_group"]
        while not asyncio.run(reporter_caught_up(bootstrap, prefix, group)):
            time.sleep(0.2)  # poll the reporter's consumer lag
    finished = time.time()

    accepted = sum(r["rows_accepted"] or 0 for r in results.values())
    latest = asyncio.run(last_timestamps(bootstrap, since, set(upload_ids)))
    table = Table(title=f"{args.rows:,} rows, {len(upload_ids)} files, {accepted:,} accepted — {machine()}")
    for column in ("stage", "done after (s)", "rows/s"):
        table.add_column(column, justify="right" if column != "stage" else "left")
    table.add_row("POST (all files stored)", f"{posted - t0:.2f}", f"{args.rows / (posted - t0):,.0f}")
    for name, topic in STAGES:
        done = latest.get(topic.full_name(prefix))
        if done:
            table.add_row(name, f"{done - t0:.2f}", f"{accepted / (done - t0):,.0f}")
    table.add_row("end to end (reporter up to date)", f"{finished - t0:.2f}", f"{args.rows / (finished - t0):,.0f}")
    console.print(table)


if __name__ == "__main__":
    main()
