"""Benchmark: p95 latency of GET /api/v1/reach on 1M individuals and 5M engagements.

    .state/venv/bin/python services/reporter/benchmarks/reach_latency.py            # 1M / 5M, ~3-4 min
    .state/venv/bin/python services/reporter/benchmarks/reach_latency.py --individuals 100000 --engagements 500000
    ... --sql-rounds 0 --while-rebuilding --switch-interval 5    # answers during rebuilds, at Python's default

Creates a throw-away database on the local cluster (superuser over the unix
socket, or LEAP_TEST_ADMIN_DSN), fills the read model set-based with
generate_series (31 services, 5 wards, 3 years, person attributes, 2% of
references merged, 10% of contacts not attended), then asks the API (in process,
through ASGI, suppression on, as in production) every slicer combination below
``--rounds`` times and prints p50/p95/max per combination and overall, for the
SQL path and for the in-memory reach index (see leap_reporter/adapters/reach_index.py).
The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import secrets
import statistics
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from leap_reporter.adapters import database
from leap_reporter.app import create_app
from leap_reporter.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
LOCAL_DSN = f"postgresql://postgres@/postgres?host={ROOT / '.state/run/postgres'}&port=55432"

FILL = """
WITH svc AS (SELECT array_agg(code ORDER BY code) AS codes FROM unnest($3::text[]) AS code)
INSERT INTO engagement (upload_id, row_number, individual_ref, service_code, provider_id, engagement_date,
                        beneficiary_type, birth_month, gender, ward_code, ward_name, ethnicity, attended)
SELECT md5(s.code || to_char(d, 'YYYY-MM'))::uuid, g, 'ind-' || p, s.code, 'prov-' || lower(s.code), d,
       CASE WHEN p % 3 = 0 THEN 'adult' ELSE 'child' END,
       CASE WHEN p % 3 = 0 THEN NULL ELSE to_char(date '2018-01-01' + (p % 2500), 'YYYY-MM') END,
       (ARRAY['female', 'male', 'other', 'unknown'])[1 + p % 4],
       'E0' || (1 + p % 5), (ARRAY['Stockwell', 'Coldharbour', 'Vassall', 'Tulse Hill', 'Other'])[1 + p % 5],
       (ARRAY['A1', 'B1', 'W1', 'W2', 'M1', 'O1', NULL])[1 + p % 7],
       g % 10 <> 0
  FROM generate_series($1::int, $2::int) AS g
 CROSS JOIN svc
 CROSS JOIN LATERAL (SELECT 1 + (hashint4(g) & 2147483647) % $4 AS p) AS person
 CROSS JOIN LATERAL (SELECT svc.codes[1 + (p * 7 + (g % 3) * (1 + p % 5)) % 31] AS code) AS s
 CROSS JOIN LATERAL (SELECT date '2023-01-01' + (hashint4(g * 31) & 2147483647) % 1095 AS d) AS day
"""

COMBINATIONS = [
    {},
    {"service": "CAN"},
    {"service": "CAN,MIR,DL"},
    {"strand": "Diet & Nutrition"},
    {"ward": "Stockwell"},
    {"from": "2024-01-01", "to": "2024-12-31"},
    {"from": "2024-04-15", "to": "2024-06-10"},
    {"strand": "Communication & Language Development", "ward": "Vassall", "from": "2024-04-01", "to": "2025-03-31"},
    {"service": "PINE", "from": "2025-01-01", "to": "2025-03-31"},
    {"gender": "female"},
    {"beneficiary_type": "child", "age_band": "1 year"},
    {"ethnicity": "W1", "ward": "Tulse Hill", "from": "2023-06-01", "to": "2023-08-31"},
]


async def make_database(admin_dsn: str) -> tuple[str, str]:
    name, password = f"reporter_bench_{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
    await admin.execute(f"CREATE DATABASE {name}")
    in_db = await asyncpg.connect(admin_dsn, database=name)
    await in_db.execute(f"CREATE SCHEMA reporter AUTHORIZATION {name}")
    await in_db.close()
    await admin.close()
    parts = urlsplit(admin_dsn)
    where = parts.netloc.rpartition("@")[2]
    return name, urlunsplit((parts.scheme, f"{name}:{password}@{where}", f"/{name}", parts.query, ""))


async def drop_database(admin_dsn: str, name: str) -> None:
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await admin.execute(f"DROP ROLE IF EXISTS {name}")
    await admin.close()


async def fill(pool: asyncpg.Pool, individuals: int, engagements: int) -> None:
    from leap_contracts.catalogue import SERVICES
    started = time.perf_counter()
    indexes = await pool.fetch("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'engagement' "
                               "AND schemaname = 'reporter' AND indexname <> 'engagement_pkey'")
    for index in indexes:  # filled without secondary indexes, which are built once at the end
        await pool.execute(f"DROP INDEX {index['indexname']}")
    step = 250_000
    chunks = [(first, min(first + step - 1, engagements)) for first in range(1, engagements + 1, step)]
    async def worker(mine):
        for first, last in mine:
            await pool.execute(FILL, first, last, list(SERVICES), individuals)
    await asyncio.gather(worker(chunks[0::2]), worker(chunks[1::2]))  # both cores
    for index in indexes:
        await pool.execute(index["indexdef"])
    await pool.execute("INSERT INTO ward SELECT DISTINCT ward_code, ward_name FROM engagement")
    # 2% of references merged into another (flat alias map, as the handlers keep it)
    await pool.execute("""INSERT INTO individual_alias (ref, survivor_ref)
        SELECT 'ind-' || p, 'ind-' || (p + 1) FROM generate_series(1, $1::int, 50) AS p""", individuals - 1)
    await pool.execute("ANALYZE")
    print(f"filled {engagements:,} engagements for {individuals:,} individuals in {time.perf_counter() - started:.1f} s")


async def measure(client: httpx.AsyncClient, rounds: int) -> list[float]:
    every: list[float] = []
    for params in COMBINATIONS:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            response = await client.get("/api/v1/reach", params=params)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
        every += times
        times.sort()
        print(f"  {str(params)[:90]:92s} p50 {statistics.median(times):7.1f} ms  "
              f"p95 {times[int(0.95 * (len(times) - 1))]:7.1f} ms  -> {response.json()['unique_beneficiaries']}")
    every.sort()
    print(f"  ALL: p50 {statistics.median(every):.1f} ms  p95 {every[int(0.95 * (len(every) - 1))]:.1f} ms  "
          f"max {every[-1]:.1f} ms  ({len(every)} requests)")
    return every


@contextlib.asynccontextmanager
async def filled_app(admin_dsn: str | None, individuals: int, engagements: int) -> AsyncIterator[tuple]:
    """(app, pool, client) on a throw-away database filled with ``individuals`` and ``engagements``."""
    admin_dsn = admin_dsn or os.environ.get("LEAP_TEST_ADMIN_DSN", LOCAL_DSN)
    name, url = await make_database(admin_dsn)
    try:
        app = create_app(Settings(database_url=url))
        pool = await database.create_pool(url)
        await database.migrate(pool)
        app.state.pool = pool
        await fill(pool, individuals, engagements)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                     timeout=600) as client:
            yield app, pool, client
        await pool.close()
    finally:
        await drop_database(admin_dsn, name)


def options(description: str, *, rounds: int, sql_rounds: int, sql_help: str) -> argparse.ArgumentParser:
    """The options of the reporter's latency benchmarks: the read model's size, rounds, the server."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request would bury the figures
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--individuals", type=int, default=1_000_000)
    parser.add_argument("--engagements", type=int, default=5_000_000)
    parser.add_argument("--rounds", type=int, default=rounds)
    parser.add_argument("--sql-rounds", type=int, default=sql_rounds, help=sql_help)
    parser.add_argument("--admin-dsn", default=None)
    return parser


async def measure_while_rebuilding(index, pool: asyncpg.Pool, client: httpx.AsyncClient, rounds: int) -> None:
    """The same requests while the index is rebuilt again and again (as during a load: answered from the last
    index, labelled not up to date), at this process's GIL switch interval (``--switch-interval``)."""
    async def rebuild_forever() -> None:
        while True:
            await index.refresh(pool)

    rebuilding = asyncio.create_task(rebuild_forever())
    try:
        print(f"reach index, while it is rebuilt (switch interval {sys.getswitchinterval() * 1000:g} ms):")
        await measure(client, rounds)
    finally:
        rebuilding.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await rebuilding


async def main() -> None:
    parser = options(__doc__, rounds=20, sql_rounds=3, sql_help="rounds for the (slow) SQL path")
    parser.add_argument("--while-rebuilding", action="store_true",
                        help="also measure while the index is rebuilt in the background, as during a load")
    parser.add_argument("--switch-interval", type=float, default=None,
                        help="the GIL switch interval in ms (the reporter runs at 1; Python's default is 5)")
    args = parser.parse_args()
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval / 1000)
    async with filled_app(args.admin_dsn, args.individuals, args.engagements) as (app, pool, client):
        index = app.state.reach_index
        if args.sql_rounds:
            app.state.reach_index = None  # no background build competing with the SQL path
            print("SQL path (no index):")
            await measure(client, args.sql_rounds)
            app.state.reach_index = index
        if index is not None:
            started = time.perf_counter()
            await index.refresh(pool)
            print(f"reach index built in {time.perf_counter() - started:.1f} s "
                  f"({index.describe()})")
            print("reach index:")
            await measure(client, args.rounds)
            if args.while_rebuilding:
                await measure_while_rebuilding(index, pool, client, args.rounds)
            pages = []
            for params in ({}, {"service": "CAN"}, {"ward": "Stockwell", "period": "month"}, {"gender": "male"}):
                started = time.perf_counter()
                response = await client.get("/", params=params)
                pages.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            print("dashboard reach page (9 tables, from the index): " +
                  ", ".join(f"{t:.0f} ms" for t in pages))


if __name__ == "__main__":
    asyncio.run(main())
