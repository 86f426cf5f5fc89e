"""One matcher instance running two worker processes (``MATCHER_WORKERS=2``) on the real broker and
database: the workers share the batch and produce exactly the connected components, ``/metrics``
counts the chunks of both, and a killed instance takes its workers with it (~20-40 s)."""

from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path

import httpx
import pytest

from leap_contracts import topics
from leap_tools.throwaway import create_platform, drop_platform
from matcher_batch import (CHUNKS, UPLOADS, components, count_records, generated_rows, publish, read_partition,
                           wait_for_members)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def metrics_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("metrics")


@pytest.fixture(scope="module")
def instance(metrics_dir):
    platform = create_platform()
    try:
        platform.start("matcher", settings={"MATCHER_WORKERS": "2", "MATCHER_CONSUMERS": "3",
                                            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)})
        yield platform
    finally:
        drop_platform(platform)


def worker_processes(pid: int) -> set[int]:
    """The instance's worker processes (not multiprocessing's resource tracker)."""
    found = {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    return {c for c in found if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()}


def chunks_processed(base_url: str) -> float:
    text = httpx.get(f"{base_url}/metrics", timeout=5).text
    return sum(float(value) for value in
               re.findall(r'^messages_processed_total\{topic="records\.pseudonymised\.v1"\} (\S+)$', text, re.M))


def test_two_workers_share_the_batch_and_stop_with_their_instance(instance, metrics_dir):
    env, rows, parent = instance.env, generated_rows(), instance.processes["matcher"].pid
    workers = worker_processes(parent)
    assert len(workers) == 2
    asyncio.run(wait_for_members(env["MATCHER_KAFKA_BOOTSTRAP"], instance.prefix + "leap-matcher",
                                 f"{instance.prefix}{topics.RECORDS_PSEUDONYMISED.name}", members=2 * 3))
    asyncio.run(publish(env["MATCHER_KAFKA_BOOTSTRAP"], instance.prefix, rows))

    deadline = time.monotonic() + 90
    while asyncio.run(count_records(env["MATCHER_DATABASE_URL"])) < len(rows) and time.monotonic() < deadline:
        time.sleep(0.2)  # poll, bounded by the deadline
    got, live = asyncio.run(read_partition(env["MATCHER_DATABASE_URL"]))
    assert got == components(rows)
    assert live == len(got)
    while chunks_processed(instance.url("matcher")) < UPLOADS * CHUNKS and time.monotonic() < deadline:
        time.sleep(0.2)  # poll: the counter follows the commit (bounded by the deadline)
    # Both workers handled chunks, and any of them answers with the sum (at least every chunk: a rebalance
    # as the second worker joins may deliver a chunk again, which the inbox then ignores).
    assert {f"counter_{w}.db" for w in workers} <= {f.name for f in metrics_dir.iterdir()}
    assert chunks_processed(instance.url("matcher")) >= UPLOADS * CHUNKS

    instance.stop("matcher", kill=True)  # SIGKILL: the instance cannot stop its workers itself
    while any(os.path.exists(f"/proc/{w}") for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)  # poll, bounded by the deadline
    assert not any(os.path.exists(f"/proc/{w}") for w in workers)
