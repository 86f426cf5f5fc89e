"""Benchmark: the at-source tool and the service's tokenising step, rows per second per core.

    .state/venv/bin/python -m leap_tools.generator --rows 1000000 --out /tmp/leap-1m --formats csv
    .state/venv/bin/python services/pseudonymiser/benchmarks/bench_tokenising.py /tmp/leap-1m

Single process, so CPU seconds = core seconds. Also measures the HMAC floor
(one pre-keyed token) on this machine at the same time, since absolute figures
drift with machine load; compare ratios.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

from leap_contracts.dataset.columns import read_header
from leap_contracts.dataset.rules import RowValidator
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser
from leap_pseudonymiser.at_source.run import pseudonymise_file
from leap_pseudonymiser.domain.pseudonymise import pseudonymise
from leap_pseudonymiser.onspd import ward_table

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--skip-service", action="store_true")
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.csv"))
    if not files:
        sys.exit(f"no CSV files in {args.folder}")
    wards = ward_table(ROOT / "deploy" / "reference" / "onspd-demo.csv")
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
