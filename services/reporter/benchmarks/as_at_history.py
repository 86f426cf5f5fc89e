"""Benchmark (issue 17): storage of the read model's history over a year of monthly resubmissions, the cost of the
history on the bulk write path, and the p95 latency of "as at" reach questions.

    LEAP_TEST_SERVERS=containers .state/venv/bin/python services/reporter/benchmarks/as_at_history.py  # 1M / 5M
    ... --individuals 100000 --engagements 500000 --rounds 10           # a quick run

Fills a throw-away read model set-based like reach_latency.py (31 services, one upload per service and month, 3
years), registers that load as the history's first version, then plays ``--months`` months (default 12), one
transaction each, with the statements the reporter's handlers use: every service resubmits its files of the last
``--window`` months (default 3; the rows ended and copied in again under a new upload id, 2% of them dropped),
1 in 2000 individuals is merged into another, and 200 records are split off to a new reference. It prints the size
of the current tables and of the history, the time to COPY 200k records with and without the learned_xid column,
then asks GET /api/v1/reach as_at the end of each month (reach_latency.py's slicer combinations, ``--rounds``
each): the first question of a month builds that moment's index (its time is printed), the rest are answered
from it; p50/p95 of all the answers and of those after the build. The database is dropped at the end.
Server: LEAP_TEST_SERVERS (containers: the project's leap/postgres), or --admin-dsn / LEAP_TEST_ADMIN_DSN.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).parent))
from reach_latency import COMBINATIONS, filled_app, options

from leap_reporter.adapters import read_model_state

_COLUMNS = ("upload_id, row_number, individual_ref, service_code, provider_id, engagement_date, beneficiary_type, "
            "birth_month, gender, ward_code, ward_name, ethnicity, first_language, engagement_type, attended")
HISTORY = ("engagement_ended", "engagement_ref_change", "individual_alias_change", "upload_ended",
           "read_model_version_log")


async def register_load(pool: asyncpg.Pool) -> None:
    """The set-based fill wrote in several transactions: each becomes a version, as if applied by the handlers."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("""INSERT INTO read_model_version_log (version, xid, at)
            SELECT (SELECT version FROM read_model_state) + row_number() OVER (), xid, clock_timestamp()
              FROM (SELECT DISTINCT learned_xid AS xid FROM engagement) AS x""")
        await conn.execute("UPDATE read_model_state SET version = (SELECT max(version) FROM read_model_version_log)")
        await conn.execute("""INSERT INTO individual_alias_change (xid, ref, survivor_ref)
            SELECT (SELECT xid FROM read_model_version_log ORDER BY version LIMIT 1), ref, survivor_ref
              FROM individual_alias""")


async def month(pool: asyncpg.Pool, k: int, window: int, individuals: int) -> tuple[int, float]:
    """Month ``k`` of resubmissions, merges and splits, in one transaction; (records resubmitted, seconds)."""
    last = date(2025, k, 1)
    first = date(last.year - (last.month <= window - 1), (last.month - window) % 12 + 1, 1)
    started = time.perf_counter()
    async with pool.acquire() as conn, conn.transaction():
        ended = await conn.fetch("""WITH gone AS (
                DELETE FROM engagement
                 WHERE engagement_date >= $1::date AND engagement_date < $2::date + interval '1 month'
                RETURNING *)
            INSERT INTO engagement_ended SELECT * FROM gone RETURNING upload_id""", first, last)
        await conn.execute(f"""INSERT INTO engagement ({_COLUMNS})
            SELECT md5(upload_id::text || $1)::uuid, {_COLUMNS.split(', ', 1)[1]} FROM engagement_ended
             WHERE ended_xid = pg_current_xact_id() AND row_number % 50 <> $2""", str(k), k)
        await conn.execute("""INSERT INTO upload_ended (upload_id, replaced_by)
            SELECT DISTINCT upload_id, md5(upload_id::text || $1)::uuid FROM engagement_ended
             WHERE ended_xid = pg_current_xact_id()""", str(k))
        await conn.execute("""WITH pointed AS (INSERT INTO individual_alias (ref, survivor_ref)
                SELECT 'ind-' || p, 'ind-' || (p + 3) FROM generate_series(100 * $1 + 5, $2, 2000) AS p
                ON CONFLICT (ref) DO UPDATE SET survivor_ref = excluded.survivor_ref RETURNING ref, survivor_ref)
            INSERT INTO individual_alias_change (ref, survivor_ref) SELECT ref, survivor_ref FROM pointed""",
                           k, individuals)
        await conn.execute("""WITH moved AS (
                SELECT upload_id, row_number, learned_xid, individual_ref FROM engagement TABLESAMPLE SYSTEM (0.05)
                 LIMIT 200),
              kept AS (INSERT INTO engagement_ref_change (upload_id, row_number, learned_xid, old_ref)
                       SELECT upload_id, row_number, learned_xid, individual_ref FROM moved)
            UPDATE engagement e SET individual_ref = m.individual_ref || '-split-' || $1 FROM moved m
             WHERE e.upload_id = m.upload_id AND e.row_number = m.row_number""", str(k))
        await read_model_state.bump(conn)
    return len(ended), time.perf_counter() - started


async def sizes(pool: asyncpg.Pool) -> dict[str, int]:
    return {t: await pool.fetchval("SELECT pg_total_relation_size($1::regclass)", t)
            for t in ("engagement", "individual_alias", *HISTORY)}


async def copy_cost(pool: asyncpg.Pool, rows: int = 200_000, repeats: int = 3) -> tuple[float, float]:
    """Seconds to COPY ``rows`` records into a table shaped as engagement, with and without learned_xid."""
    names = [c.strip() for c in _COLUMNS.split(",")]
    records = await pool.fetch(f"SELECT {_COLUMNS} FROM engagement LIMIT $1", rows)
    found = {}
    async with pool.acquire() as conn:
        for label, drop in (("with", False), ("without", True)):
            times = []
            for _ in range(repeats):
                async with conn.transaction():
                    await conn.execute("CREATE TEMP TABLE copy_probe (LIKE engagement INCLUDING DEFAULTS) "
                                       "ON COMMIT DROP")
                    if drop:
                        await conn.execute("ALTER TABLE copy_probe DROP COLUMN learned_xid")
                    started = time.perf_counter()
                    await conn.copy_records_to_table("copy_probe", columns=names, records=records)
                    times.append(time.perf_counter() - started)
            found[label] = statistics.median(times)
    return found["with"], found["without"]


def summary(label: str, times: list[float]) -> str:
    times = sorted(times)
    return (f"{label}: p50 {statistics.median(times):.1f} ms  p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms  "
            f"max {times[-1]:.1f} ms  ({len(times)} requests)")


async def main() -> None:
    parser = options(__doc__, rounds=10, sql_rounds=0, sql_help="unused")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--window", type=int, default=3, help="months each service resubmits every month")
    args = parser.parse_args()
    if args.admin_dsn is None:
        from leap_contracts.testing_servers import servers
        args.admin_dsn = servers().admin_dsn
    async with filled_app(args.admin_dsn, args.individuals, args.engagements) as (app, pool, client):
        await register_load(pool)
        before = await sizes(pool)
        ends = []
        for k in range(1, args.months + 1):
            resubmitted, seconds = await month(pool, k, args.window, args.individuals)
            ends.append(await pool.fetchval("SELECT at FROM read_model_version_log ORDER BY version DESC LIMIT 1"))
            print(f"month {k:2d}: {resubmitted:,} records resubmitted, merges and splits, in {seconds:.1f} s")
        await pool.execute("ANALYZE")
        after = await sizes(pool)
        current = after["engagement"] + after["individual_alias"]
        history = sum(after[t] for t in HISTORY)
        print("sizes (MB) before -> after the year: " + ", ".join(
            f"{t} {before[t] / 2**20:.0f} -> {after[t] / 2**20:.0f}" for t in after))
        print(f"history {history / 2**20:.0f} MB for {current / 2**20:.0f} MB of current read model "
              f"({history / current:.2f}x), {await pool.fetchval('SELECT count(*) FROM engagement_ended'):,} ended "
              f"records beside {await pool.fetchval('SELECT count(*) FROM engagement'):,} current")
        with_xid, without = await copy_cost(pool)
        print(f"COPY of 200k records: {with_xid:.2f} s with learned_xid, {without:.2f} s without "
              f"({(with_xid / without - 1) * 100:+.0f}%)")
        every, warm = [], []
        for k, at in enumerate(ends, 1):
            for i, params in enumerate(COMBINATIONS):
                for r in range(args.rounds):
                    started = time.perf_counter()
                    response = await client.get("/api/v1/reach", params={**params, "as_at": at.isoformat()})
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, response.text
                    every.append(elapsed)
                    if i == 0 and r == 0:
                        print(f"as at month {k:2d} ({at:%H:%M:%S}): index built and answered in {elapsed / 1000:.1f} s"
                              f" -> {response.json()['unique_beneficiaries']}")
                    else:
                        warm.append(elapsed)
        print(summary("as_at, every answer", every))
        print(summary("as_at, after each moment's build", warm))


if __name__ == "__main__":
    asyncio.run(main())
