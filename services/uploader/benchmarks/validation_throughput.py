"""Validation throughput on a generated CSV: rows per second, rerunnable by anyone.

  python services/uploader/benchmarks/validation_throughput.py --rows 100000
  python services/uploader/benchmarks/validation_throughput.py --rows 100000 --dsn postgresql://...
  python services/uploader/benchmarks/validation_throughput.py --csv /tmp/leap-one.csv --reference

CPU time is printed too: on a shared machine it is the steadier figure.
Without ``--dsn`` it times the worker-thread part (decode, parse, validate,
chunk, seal and spool). With a DSN for a database where the role owns schema
``uploader`` (e.g. a test database), it also times the whole path: receive
(encrypt + store), then the FileReceivedV1 handler (decrypt, validate, one
transaction with COPY of problems and record chunks).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import io
import os
import random
import tempfile
import time
import uuid
from pathlib import Path

HEADER = ("provider_record_id,beneficiary_type,nhs_number,first_name,last_name,date_of_birth,gender,email,mobile,"
          "primary_carer_email,primary_carer_mobile,postcode,ethnicity,first_language,engagement_date,"
          "engagement_type,attended\n")


def make_csv(rows: int, seed: int = 1) -> bytes:
    """Children and adults with realistic fields; ~2% rows with errors, ~5% with warnings."""
    rnd = random.Random(seed)
    out = io.StringIO()
    out.write(HEADER)
    for i in range(rows):
        day = f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/2024"
        mobile = f"07700 9{rnd.randint(0, 99999):05d}" if rnd.random() > 0.05 else "07000000000"
        if rnd.random() < 0.02:
            out.write(f"P{i},alien,,,,,,,,,,,,,not a date,,maybe\n")
        elif i % 2:
            out.write(f"P{i},child,,Amy{i % 97},Smith,2021-03-{rnd.randint(1, 28):02d},F,,,carer{i}@mail.org,"
                      f"{mobile},SW9 7AB,A1,English,{day},group session,yes\n")
        else:
            out.write(f"P{i},parent,943 476 5919,Bea,Jones,,,bea{i}@mail.org,{mobile},,,sw97ab,,,{day},,\n")
    return out.getvalue().encode("utf-8")


def bench_reference(data: bytes) -> None:
    """The row-by-row path the worker used before ``fast_validation``: RowValidator per row, a model per
    record and chunk, pydantic's JSON, spooled the same way (for the before/after ratio on one machine)."""
    from leap_contracts.envelope import encode
    from leap_contracts.events import RecordsValidatedV1
    from leap_uploader.adapters import copy_binary as cb
    from leap_uploader.adapters.file_readers import csv_rows
    from leap_uploader.domain.validation import validate_rows

    upload_id = uuid.uuid4()
    with tempfile.TemporaryFile() as f, tempfile.TemporaryFile() as out:
        f.write(data)
        records, problems = cb.CopyWriter(out), cb.CopyWriter(out)

        def emit_chunk(index, chunk):
            event = RecordsValidatedV1(upload_id=upload_id, provider_id="bench", service_code="CAN",
                                       chunk_index=index, records=chunk)
            records.write_row(b"t", b"k", cb.field(encode(event, producer="uploader", correlation_id="b")))

        def emit_problems(found):
            for p in found:
                problems.write_row(cb.uuid_field(upload_id), cb.int4(p.row), cb.text(p.column), cb.text(p.code),
                                   cb.text(p.severity), cb.text(p.message), cb.text(p.value))

        started, cpu = time.perf_counter(), time.process_time()
        t = validate_rows(csv_rows(f), chunk_size=1000, emit_chunk=emit_chunk, emit_problems=emit_problems)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"reference (row by row): {t.rows_total:,} rows in {seconds:.2f} s = {t.rows_total / seconds:,.0f} rows/s "
          f"wall, {t.rows_total / cpu:,.0f} rows/s CPU time ({cpu / t.rows_total * 1e6:.1f} us/row)")


def bench_worker(data: bytes) -> None:
    from leap_uploader.service.validation_run import UploadRef, run_validation

    ref = UploadRef(uuid.uuid4(), "bench", "CAN", "csv")
    with tempfile.TemporaryFile() as f:
        f.write(data)
        started, cpu = time.perf_counter(), time.process_time()
        outcome = run_validation(f, ref, correlation_id="bench", topic_prefix="", max_rejected_share=0.5,
                                 max_xlsx_expanded_bytes=2 ** 31)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    t = outcome.tally
    outcome.close()
    print(f"worker: {t.rows_total:,} rows ({t.rows_accepted:,} accepted, {t.chunk_count} chunks) "
          f"in {seconds:.2f} s = {t.rows_total / seconds:,.0f} rows/s wall, {t.rows_total / cpu:,.0f} rows/s CPU time "
          f"({cpu / t.rows_total * 1e6:.1f} us/row)")


async def bench_full(data: bytes, dsn: str) -> None:
    from leap_contracts.delivery import logs
    from leap_uploader import bootstrap
    from leap_uploader.adapters import database
    from leap_uploader.metrics import Metrics
    from leap_uploader.service.auth import Provider
    from leap_uploader.service.providers import create_provider
    from leap_uploader.service.receiving import SpooledFile
    from leap_uploader.settings import Settings

    logs.configure("WARNING")
    settings = Settings(database_url=dsn, storage_key=base64.b64encode(os.urandom(32)).decode(), topic_prefix="bench.")
    pool = await database.create_pool(dsn)
    try:
        await database.migrate(pool)
        services = bootstrap.build(settings, pool, Metrics())
        await create_provider(pool, "bench", "Benchmark", ["CAN"])
        data = data.replace(b"\nP0,", f"\nP0-{uuid.uuid4().hex[:8]},".encode(), 1)  # same file = same upload
        with tempfile.TemporaryFile() as f:
            f.write(data)
            spooled = SpooledFile(f, len(data), hashlib.sha256(data).hexdigest(), data[:65536])
            started = time.perf_counter()
            receipt = await services.receiving.receive(Provider("bench", "Benchmark", frozenset({"CAN"})), "CAN", spooled)
            received = time.perf_counter() - started
        envelope = await _file_received(pool, receipt.upload_id)
        started = time.perf_counter()
        await services.validation.on_file_received(envelope)
        validated = time.perf_counter() - started
        row = await pool.fetchrow("SELECT status, rows_total FROM uploads WHERE upload_id = $1", receipt.upload_id)
        print(f"receive (encrypt + store {len(data) / 1e6:.1f} MB): {received:.2f} s")
        print(f"handler: {row['rows_total']:,} rows -> {row['status']} in {validated:.2f} s "
              f"= {row['rows_total'] / validated:,.0f} rows/s (decrypt, validate, one transaction)")
        await pool.execute("DELETE FROM outbox WHERE topic LIKE 'bench.%'")
    finally:
        await pool.close()


async def _file_received(pool, upload_id):
    from leap_contracts.envelope import decode

    value = await pool.fetchval("SELECT value FROM outbox WHERE key = $1 AND topic = 'bench.uploads.file-received.v1'",
                                str(upload_id))
    return decode(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dsn", help="run the full path against this database too")
    parser.add_argument("--csv", type=Path, help="validate this file (e.g. the generator's rows in one file, "
                                                 "end_to_end.one_file) instead of generated rows")
    parser.add_argument("--reference", action="store_true", help="time the row-by-row reference path too")
    args = parser.parse_args()
    if args.csv:
        data = args.csv.read_bytes()
        print(f"{args.csv}: {len(data) / 1e6:.1f} MB")
    else:
        data = make_csv(args.rows)
        print(f"generated {args.rows:,} rows, {len(data) / 1e6:.1f} MB")
    if args.reference:
        bench_reference(data)
    bench_worker(data)
    if args.dsn:
        asyncio.run(bench_full(data, args.dsn))


if __name__ == "__main__":
    main()
