"""From POST to all records published: a 1M-row CSV and a 200k-row XLSX from the generator.

  python services/uploader/benchmarks/end_to_end.py --csv-rows 1000000 --xlsx-rows 200000

Generates rows with ``leap_tools.generator`` (UTF-8 CSV), joins every service file into one file in the
standard column order (one service code for the upload), writes the XLSX with xlsxwriter, then starts a
fresh uploader process (own database and topic prefix, like the e2e tests) and for each file times:
POST (upload + encrypt + store) -> validated (status ``processing``: records queued in the outbox)
-> published (the outbox relay has sent every record chunk to Kafka). Prints rows/s for each step.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

import asyncpg
import httpx

from leap_contracts.dataset import COLUMNS
from leap_tools.generator.run import generate
from leap_tools.localenv import create_provider

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # harness (create_platform), imported where it is used


def one_file(gen_dir: Path, out: Path, limit: int | None = None) -> int:
    """Every generated service file's rows in one UTF-8 CSV with the standard header; returns rows."""
    written = 0
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for path in sorted(gen_dir.glob("*.csv")):
            with path.open(newline="", encoding="utf-8-sig") as source:
                reader = csv.reader(source)
                header = [h.strip().lower() for h in next(reader)]
                index = [header.index(c) if c in header else None for c in COLUMNS]
                for cells in reader:
                    writer.writerow(["" if i is None or i >= len(cells) else cells[i] for i in index])
                    written += 1
                    if limit and written >= limit:
                        return written
    return written


def to_xlsx(source: Path, out: Path, rows: int) -> None:
    import xlsxwriter
    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = workbook.add_worksheet("contacts")
    with source.open(newline="", encoding="utf-8") as f:
        for r, cells in enumerate(csv.reader(f)):
            if r > rows:
                break
            sheet.write_row(r, 0, cells)
    workbook.close()


async def _db_state(dsn: str, upload_id: str) -> tuple[str, int]:
    conn = await asyncpg.connect(dsn, server_settings={"search_path": "uploader"})
    try:
        status = await conn.fetchval("SELECT status FROM uploads WHERE upload_id = $1", __import__("uuid").UUID(upload_id))
        queued = await conn.fetchval("SELECT count(*) FROM outbox")
        return status, queued
    finally:
        await conn.close()


PORT = 18951  # not the e2e tests' ports: they may be running at the same time


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc): steadier than wall time on a shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_one(platform, token: str, path: Path, rows: int, label: str) -> None:
    import asyncio
    dsn = platform.env["UPLOADER_DATABASE_URL"]
    pid = platform.processes["uploader"].pid
    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    with path.open("rb") as f:
        response = httpx.post(f"http://127.0.0.1:{PORT}/api/v1/uploads", headers={"Authorization": f"Bearer {token}"},
                              data={"service": "CAN"}, files={"file": (path.name, f)}, timeout=600)
    response.raise_for_status()
    posted = time.perf_counter() - started
    upload_id = response.json()["upload_id"]
    validated = None
    while True:
        status, queued = asyncio.run(_db_state(dsn, upload_id))
        now = time.perf_counter() - started
        if status == "rejected":
            raise SystemExit(f"{label}: the upload was rejected")
        if status in ("processing", "completed") and validated is None:
            validated = now
        if validated is not None and queued == 0:
            published = now
            break
        time.sleep(0.2)  # polling interval of the benchmark, not a test
    size = path.stat().st_size / 1e6
    cpu = cpu_seconds(pid) - cpu_before
    print(f"{label}: {rows:,} rows, {size:.0f} MB: POST {posted:.1f} s; validated at {validated:.1f} s; "
          f"all published at {published:.1f} s = {rows / published:,.0f} rows/s end to end (wall); "
          f"uploader process CPU {cpu:.1f} s = {rows / cpu:,.0f} rows per CPU-second", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=200_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/leap-uploader-bench"))
    args = parser.parse_args()
    from harness import create_platform, drop_platform

    args.work.mkdir(parents=True, exist_ok=True)
    gen = args.work / "generated"
    if not (gen / "truth.json").exists() or int((gen / ".rows").read_text() if (gen / ".rows").exists() else 0) < args.csv_rows:
        generate(args.csv_rows, gen, seed=7, formats="csv")
        (gen / ".rows").write_text(str(args.csv_rows))
    big = args.work / "one-file.csv"
    csv_rows = one_file(gen, big, args.csv_rows)
    xlsx = args.work / "one-file.xlsx"
    to_xlsx(big, xlsx, args.xlsx_rows)
    platform = create_platform()
    try:
        platform.start("uploader", port=PORT)
        token = create_provider(platform.env, "bench", "Benchmark provider", ["CAN"])
        run_one(platform, token, big, csv_rows, "CSV")
        run_one(platform, token, xlsx, min(args.xlsx_rows, csv_rows), "XLSX")
    finally:
        drop_platform(platform)


if __name__ == "__main__":
    main()
