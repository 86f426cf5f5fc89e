"""Benchmark: the at-source tool and the service's tokenising step, rows per second per core.

    .state/venv/bin/python -m leap_tools.generator --rows 1000000 --out /tmp/leap-1m --formats csv
    .state/venv/bin/python services/pseudonymiser/benchmarks/bench_tokenising.py /tmp/leap-1m

Single process, so CPU seconds = core seconds. Also measures the HMAC floor
(one pre-keyed token) on this machine at the same time, since absolute figures
drift with machine load; compare ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import tempfile
import time
import uuid
from pathlib import Path

from leap_contracts.dataset.columns import read_header
from leap_contracts.dataset.rules import RowValidator
from leap_contracts.envelope import encode, open_envelope, receive, seal
from leap_contracts.events import RecordsPseudonymisedV1, RecordsValidatedV1
from leap_contracts.plain import open_plain, receiver
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser
from leap_contracts.testing import FakeUnitOfWork
from leap_pseudonymiser.at_source.run import pseudonymise_file
from leap_pseudonymiser.domain.pseudonymise import pseudonymise
from leap_pseudonymiser.adapters.onspd_file import ward_table
from leap_pseudonymiser.service.handlers import Pseudonymiser

ROOT = Path(__file__).resolve().parents[3]
KEY = bytes(range(32))


def hmac_floor(n: int = 300_000) -> float:
    tokeniser = Tokeniser(KEY, "bench")
    start = time.process_time()
    for i in range(n):
        tokeniser.email(f"someone{i}@home.net")
    return n / (time.process_time() - start)


def csv_floor(files: list[Path]) -> float:
    """Rows per CPU second of just reading the same files with the csv module (the parsing floor)."""
    rows, start = 0, time.process_time()
    for path in files:
        with path.open(newline="", encoding="utf-8", errors="replace") as f:
            rows += sum(1 for _ in csv.reader(f))
    return rows / (time.process_time() - start)


def bench_tool(files: list[Path], wards) -> tuple[int, float, float]:
    rows = cpu = wall = 0.0
    with tempfile.TemporaryDirectory() as out:
        for path in files:
            w0, c0 = time.perf_counter(), time.process_time()
            summary = pseudonymise_file(path, Path(out) / path.name, tokeniser=Tokeniser(KEY, "bench"),
                                        service_code=path.stem, wards=wards)
            cpu += time.process_time() - c0
            wall += time.perf_counter() - w0
            rows += summary.rows_read
    return int(rows), cpu, wall


def bench_service_step(files: list[Path], wards) -> tuple[int, float]:
    """pseudonymise() over validated records, 1000 a chunk, as the handler does (parsing not timed)."""
    identifier = RowIdentifier(Tokeniser(KEY, "bench"))
    rows = 0
    cpu = 0.0
    for path in files:
        encoding = "utf-8-sig"
        try:
            reader = csv.reader(path.open(newline="", encoding=encoding))
            header = next(reader)
        except UnicodeDecodeError:
            reader = csv.reader(path.open(newline="", encoding="cp1252"))
            header = next(reader)
        validator = RowValidator(read_header(header))
        records = [r for i, cells in enumerate(reader, start=2) if (r := validator.validate(i, cells)[0])]
        c0 = time.process_time()
        for start in range(0, len(records), 1000):
            for record in records[start:start + 1000]:
                pseudonymise(record, path.stem, identifier, wards)
        cpu += time.process_time() - c0
        rows += len(records)
    return rows, cpu


def validated_records(files: list[Path]) -> list[tuple[str, list]]:
    """(service code, validated records) of each file, as the uploader would accept them."""
    out = []
    for path in files:
        try:
            reader = csv.reader(path.open(newline="", encoding="utf-8-sig"))
            header = next(reader)
        except UnicodeDecodeError:
            reader = csv.reader(path.open(newline="", encoding="cp1252"))
            header = next(reader)
        validator = RowValidator(read_header(header))
        out.append((path.stem, [r for i, cells in enumerate(reader, start=2) if (r := validator.validate(i, cells)[0])]))
    return out


def wire_chunks(files: list[Path]) -> list[bytes]:
    """RecordsValidatedV1 chunks of 1,000 records as they arrive from Kafka."""
    chunks = []
    for service_code, records in validated_records(files):
        for index, start in enumerate(range(0, len(records), 1000)):
            event = RecordsValidatedV1(upload_id=uuid.uuid4(), provider_id="bench", service_code=service_code,
                                       chunk_index=index, records=records[start:start + 1000])
            chunks.append(encode(seal(event, producer="uploader", correlation_id="bench")))
    return chunks


def bench_handler_path(chunks: list[bytes], wards, rotating: bool = False) -> tuple[int, float, float]:
    """The handler's CPU work on each chunk (no database): wire bytes in, RecordsPseudonymisedV1 bytes out.
    Returns (records, CPU s of the reference path - pydantic in, a model per record, seal + encode -,
    CPU s of the service's path - plain Structs in, the handler itself (pseudonymise_chunk), its outbox's fast
    path out - through a unit of work without a database)."""
    previous = [Tokeniser(bytes(range(1, 33)), "old")] if rotating else []
    reference = RowIdentifier(Tokeniser(KEY, "bench"), previous)
    c0, rows = time.process_time(), 0
    for raw in chunks:
        event = open_envelope(receive(raw))
        out = RecordsPseudonymisedV1(
            upload_id=event.upload_id, provider_id=event.provider_id, service_code=event.service_code,
            chunk_index=event.chunk_index, spec_version="1", key_id="bench",
            records=[pseudonymise(r, event.service_code, reference, wards) for r in event.records])
        encode(seal(out, producer="pseudonymiser", correlation_id="bench"))
        rows += len(event.records)
    old = time.process_time() - c0
    return rows, old, asyncio.run(_service_path(chunks, wards, previous))


async def _service_path(chunks: list[bytes], wards, previous: list[Tokeniser]) -> float:
    async def look_up_wards(conn: object, postcodes) -> dict:
        return {p: wards[p] for p in postcodes if p in wards}

    service = Pseudonymiser(Tokeniser(KEY, "bench"), previous, look_up_wards=look_up_wards)
    receive_plain = receiver(RecordsValidatedV1)  # as the service's consumer reads the topic (plain=True)
    c0 = time.process_time()
    for raw in chunks:
        uow = FakeUnitOfWork(producer="pseudonymiser", correlation_id="bench")
        await service.on_records_validated(open_plain(receive_plain(raw), RecordsValidatedV1), uow)
    return time.process_time() - c0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--skip-service", action="store_true")
    parser.add_argument("--handler-only", action="store_true", help="only the handler path (old and new)")
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.csv"))
    if not files:
        sys.exit(f"no CSV files in {args.folder}")
    wards = ward_table(ROOT / "deploy" / "reference" / "onspd-demo.csv")
    if args.handler_only:
        chunks = wire_chunks(files)
        rows, old, new = bench_handler_path(chunks, wards)
        print(f"handler path, reference (pydantic in, model per record, seal+encode): {rows:,} records in "
              f"{old:.2f} CPU s = {rows / old:,.0f} rows/s per core ({old / rows * 1e6:.1f} us/row)")
        print(f"handler path, service (plain Structs in, the handler, outbox fast path): {rows:,} records in "
              f"{new:.2f} CPU s = {rows / new:,.0f} rows/s per core ({new / rows * 1e6:.1f} us/row)")
        return
    floor = hmac_floor()
    print(f"HMAC floor on this machine now: {floor:,.0f} tokens/s per core")
    print(f"csv.reader parse floor now: {csv_floor(files):,.0f} rows/s per core")
    rows, cpu, wall = bench_tool(files, wards)
    print(f"at-source tool: {rows:,} rows in {cpu:.1f} CPU s ({wall:.1f} s wall): {rows / cpu:,.0f} rows/s per core")
    if not args.skip_service:
        rows, cpu = bench_service_step(files, wards)
        print(f"service tokenising step: {rows:,} records in {cpu:.1f} CPU s: {rows / cpu:,.0f} rows/s per core")
    print(f"HMAC floor after: {hmac_floor():,.0f} tokens/s per core")


if __name__ == "__main__":
    main()
