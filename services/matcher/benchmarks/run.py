"""Matcher benchmarks (not part of the test suite). Needs the local PostgreSQL only.

    .state/venv/bin/python services/matcher/benchmarks/run.py --rows 1000000

(a) ROWS generated rows into an empty database, one instance, through the real handler: rows/s.
(b) a 10k-row upload (the same people re-uploaded under a new upload id) into the database that
    already holds them: seconds until matched.
(c) Splink 5 deterministic linkage (DuckDB) on the same rows: its time, ours, and whether the two
    clusterings agree record for record; plus the generator's own count of unique beneficiaries.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import time
import uuid
import zlib

import orjson
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import dataset
import db

from leap_contracts import topics
from leap_contracts.envelope import encode, seal
from leap_matcher import gc_tuning
from leap_matcher.adapters import database
from leap_matcher.service.handlers import RECEIVE_RECORDS, Matcher


def envelopes(chunks):
    """The chunks as the matcher's consumer receives them: Kafka values (decoded again when fed)."""
    return [encode(seal(c, producer="bench", correlation_id=str(c.upload_id))) for c in chunks]


def reupload(chunks, rows: int):
    """The first ``rows`` records, sent again as a new upload of the same service (same people)."""
    out, left, upload = [], rows, uuid.uuid4()
    for c in chunks:
        if left <= 0:
            break
        records = c.records[:left]
        left -= len(records)
        out.append(c.model_copy(update={"upload_id": upload, "records": records, "chunk_index": len(out)}))
    return out


def postgres_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL server processes on this machine (Linux /proc; the pool's
    connections stay open through a run, so a difference over the run is PostgreSQL's share of it)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        if head.endswith("(postgres"):
            fields = rest.split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def vm_speed(values) -> float:
    """µs per row to parse the first chunks with the standard library's json: a fixed pure-CPU workload that
    none of the code under test changes, measured with every run, because this VM's speed drifts by a
    third within minutes; compare runs by it."""
    best = float("inf")
    for _ in range(3):
        started, rows = time.perf_counter(), 0
        for value in values[:20]:
            rows += len(json.loads(value)["payload"]["records"])
        best = min(best, (time.perf_counter() - started) / rows * 1e6)
    return best


def feed(url: str, items, workers: int, consumers: int) -> float:
    """Apply the chunks as one instance with ``workers`` processes of ``consumers`` consumers would:
    each consumer owns the partitions (here: chunk keys) hashed to it and applies them in order; all
    run concurrently. Forked, so the workers share the prepared input."""
    lanes: list[list] = [[] for _ in range(workers * consumers)]
    for value in items:
        chunk = orjson.loads(value)["payload"]
        key = topics.chunk_key(chunk["upload_id"], chunk["chunk_index"])  # the topic's key
        lanes[zlib.crc32(key.encode()) % len(lanes)].append(value)
    fork = multiprocessing.get_context("fork")
    reports, measured = fork.Queue(), fork.Event()
    processes = [fork.Process(target=_worker, args=(url, lanes[w::workers], reports, measured))
                 for w in range(workers)]
    started, pg_cpu = time.perf_counter(), postgres_cpu()
    for process in processes:
        process.start()
    cpu = [reports.get() for _ in processes]
    seconds, pg_cpu = time.perf_counter() - started, postgres_cpu() - pg_cpu  # the workers' connections still open
    measured.set()
    for process in processes:
        process.join()
    print(f"    CPU: matcher {' + '.join(f'{c:.1f}' for c in cpu)}s ({workers} workers), PostgreSQL {pg_cpu:.1f}s, "
          f"in {seconds:.1f}s wall on {os.cpu_count()} cores")
    return seconds


def _worker(url: str, lanes: list[list], reports, measured) -> None:
    async def work() -> None:
        pool = await database.create_pool(url, max_size=len(lanes) + 1)
        matcher, cpu = Matcher(pool), time.process_time()

        async def consume(lane):
            for value in lane:
                await matcher.on_records_pseudonymised(RECEIVE_RECORDS(value))  # as the consumer does

        await asyncio.gather(*(consume(lane) for lane in lanes))
        reports.put(time.process_time() - cpu)
        await asyncio.to_thread(measured.wait)
        await pool.close()

    asyncio.run(work())


async def main(args) -> None:
    started = time.perf_counter()
    data = dataset.build(args.rows, seed=args.seed)
    bulk, extra = envelopes(data.chunks), envelopes(reupload(data.chunks, args.upload_rows))
    print(f"input: {data.rows} accepted rows, {len(bulk)} chunks, generator truth {data.unique_beneficiaries} "
          f"unique beneficiaries (built in {time.perf_counter() - started:.1f}s, not timed)")
    gc_tuning.tune()  # as the service does at startup; also keeps the pre-built input out of GC scans
    print(f"load average before: {os.getloadavg()}; VM speed reference: {vm_speed(bulk):.1f} µs/row "
          "(json.loads of a chunk; lower is faster)")
    async with db.scratch_database() as url:
        seconds = feed(url, bulk, args.workers, args.consumers)
        pool = await database.create_pool(url, max_size=1)
        live = await pool.fetchval("SELECT count(*) FROM individual WHERE merged_into IS NULL AND NOT removed")
        print(f"(a) {data.rows} rows into an empty database, one instance ({args.workers} workers x {args.consumers} "
              f"consumers): {seconds:.1f}s, "
              f"{data.rows / seconds:,.0f} rows/s; {live} individuals "
              f"({'equal to' if live == data.unique_beneficiaries else 'DIFFERENT from'} the generator's truth)")
        upload_rows = sum(len(orjson.loads(v)["payload"]["records"]) for v in extra)
        seconds_b = feed(url, extra, args.workers, args.consumers)
        print(f"(b) a {upload_rows}-row upload into the database holding them: matched in {seconds_b:.2f}s")
        ours = {f"{r['upload_id']}:{r['row_number']}": r["individual_id"] for r in await pool.fetch(
            "SELECT upload_id, row_number, individual_id FROM record WHERE upload_id = ANY($1::uuid[])",
            list({c.upload_id for c in data.chunks}))}
        await pool.close()
    if args.skip_splink:
        return
    import splink_oracle

    df = splink_oracle.frame(data.chunks)
    theirs, splink_seconds = splink_oracle.link(df)
    agree, bad = splink_oracle.same_partition(ours, theirs)
    print(f"(c) Splink 5 deterministic linkage + clustering (DuckDB): {splink_seconds:.1f}s for {df.num_rows} rows; "
          f"ours {seconds:.1f}s (persisted, incremental, with events); clusterings "
          f"{'agree record for record' if agree else f'DISAGREE on {bad} records'}; "
          f"Splink clusters: {len(set(theirs.values()))}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--upload-rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count(),
                        help="processes of the instance (MATCHER_WORKERS); default: this machine's cores")
    parser.add_argument("--consumers", type=int, default=3,
                        help="consumers in each worker (MATCHER_CONSUMERS), each owning its own partitions")
    parser.add_argument("--skip-splink", action="store_true")
    asyncio.run(main(parser.parse_args()))
