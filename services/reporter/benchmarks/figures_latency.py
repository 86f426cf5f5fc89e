"""Benchmark: p50/p95 of every GET /api/v1/figures/{name} and of the dashboard pages, at 1M individuals / 5M engagements.

    .state/venv/bin/python services/reporter/benchmarks/figures_latency.py            # 1M / 5M
    .state/venv/bin/python services/reporter/benchmarks/figures_latency.py --individuals 100000 --engagements 500000

Reuses the throw-away database and the set-based read model of ``reach_latency.py``, and adds
what the engagement and quality figures read: one ``upload_quality`` row per upload (validated
some days after the month it covers, a third of them late), a ``match_outcome`` row per 1000
engagements of an upload, a few findings, and relationships (every child of the builder has a primary carer).
Then it builds the reach index (timed), asks every figure unfiltered and with a few filters
``--rounds`` times (suppression on, through ASGI, as in production), and loads /, /engagement
and /quality. ``--sql-rounds N`` also times the figures with no index (the SQL path). Last, it marks the
read model changed (as a write does) and times the figures again, one round per pass, while the index
rebuilds in the background: answers then come from the last index (``up_to_date`` false) until the swap.
"""

from __future__ import annotations

import asyncio
import math
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from reach_latency import filled_app, options

from leap_reporter.service.figures import FIGURES

FILTERS = {
    "unfiltered": {},
    "service+year": {"service": "CAN,MIR,DL", "from": "2024-01-01", "to": "2024-12-31"},
    "ward+gender": {"ward": "Stockwell", "gender": "female"},
}
PAGES = ("/", "/engagement", "/quality")

QUALITY = """
INSERT INTO upload_quality (upload_id, provider_id, service_code, outcome, rows_total, rows_accepted, rows_rejected,
                            problems, validated_at)
SELECT upload_id, provider_id, service_code, 'accepted', rows + rows / 20, rows, rows / 20,
       jsonb_build_array(jsonb_build_object('code', 'invalid_date', 'column', 'engagement_date',
                                            'severity', 'error', 'rows', rows / 20)),
       (date_trunc('month', last) + interval '1 month' + (abs(hashtext(upload_id::text)) % 30) * interval '1 day')
  FROM (SELECT upload_id, min(provider_id) AS provider_id, min(service_code) AS service_code, count(*)::int AS rows,
               max(engagement_date) AS last FROM engagement GROUP BY upload_id) AS u
"""
OUTCOMES = """
INSERT INTO match_outcome (upload_id, chunk_index, records, new_individuals, matched_existing, findings)
SELECT upload_id, (n - 1) / 1000, count(*), count(*) / 3, count(*) - count(*) / 3,
       jsonb_build_object('identifier:nhs_number', count(*) / 2)
  FROM (SELECT upload_id, row_number() OVER (PARTITION BY upload_id) AS n FROM engagement) AS numbered
 GROUP BY 1, 2
"""
FINDINGS = """
INSERT INTO upload_finding (upload_id, code, detail, rows)
SELECT upload_id, 'identifier_quarantined', 'email', 3 FROM upload_quality WHERE abs(hashtext(upload_id::text)) % 10 = 0
"""
# Adults (p % 3 = 0) are the primary carers of the two children numbered after them.
RELATIONSHIPS = """
INSERT INTO relationship (child_ref, carer_ref)
SELECT 'ind-' || p, 'ind-' || (p - p % 3) FROM generate_series(4, $1::int) AS p WHERE p % 3 <> 0
"""


async def fill_figures(pool, individuals: int) -> None:
    started = time.perf_counter()
    for sql in (QUALITY, OUTCOMES, FINDINGS):
        await pool.execute(sql)
    await pool.execute(RELATIONSHIPS, individuals)
    await pool.execute("ANALYZE")
    print(f"quality rows and relationships in {time.perf_counter() - started:.1f} s")


def percentiles(times: list[float]) -> str:
    times = sorted(times)  # nearest rank: with few rounds p95 is the slowest
    return f"p50 {statistics.median(times):7.1f} ms  p95 {times[math.ceil(0.95 * len(times)) - 1]:7.1f} ms"


async def timed_get(client: httpx.AsyncClient, path: str, params: dict, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = await client.get(path, params=params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, params, response.status_code, response.text[:300])
    return times


async def measure(client: httpx.AsyncClient, rounds: int, only: tuple[str, ...] = ()) -> list[float]:
    """Every figure and page (or those whose name or path starts with one of ``only``)."""
    every: list[float] = []
    for name in (n for n in FIGURES if not only or n.startswith(only)):
        for label, params in (FILTERS.items() if not name.startswith("quality") else [("unfiltered", {})]):
            times = await timed_get(client, f"/api/v1/figures/{name}", params, rounds)
            every += times
            print(f"  {name:26s} {label:13s} {percentiles(times)}", flush=True)
    for page in (p for p in PAGES if not only or p.startswith(only) and p != "/" or p in only):
        for label, params in FILTERS.items():
            times = await timed_get(client, page, params, rounds)
            every += times
            print(f"  page {page:21s} {label:13s} {percentiles(times)}", flush=True)
    print(f"  ALL: {percentiles(every)}  max {max(every):.1f} ms  ({len(every)} requests)")
    return every


async def during_a_rebuild(client: httpx.AsyncClient, pool, index) -> None:
    """After a write: passes over every figure and page while the rebuild runs (at least one)."""
    await pool.execute("UPDATE read_model_state SET version = version + 1")  # what every write does
    index.min_engagements, index.min_interval = 0, 0
    started = time.perf_counter()
    first = (await client.get("/api/v1/reach")).json()  # starts the rebuild
    print(f"during a rebuild (first answer up_to_date={first['up_to_date']}, as_of {first['as_of']}):")
    every, passes = [], 0
    while passes == 0 or not index._task.done():
        passes += 1
        every += await measure(client, 1)
    await index._task
    after = (await client.get("/api/v1/reach")).json()
    print(f"  rebuild done after {time.perf_counter() - started:.1f} s ({passes} passes), then up_to_date="
          f"{after['up_to_date']}; during it: {percentiles(every)}  max {max(every):.1f} ms")


async def main() -> None:
    parser = options(__doc__, rounds=10, sql_rounds=0, sql_help="rounds for the SQL path (no index); 0 skips it")
    parser.add_argument("--sql-only", default="", help="comma-separated name prefixes to time on the SQL path, "
                        "e.g. services-,contacts-,overlap,once-only,families,/engagement (default: all)")
    args = parser.parse_args()
    async with filled_app(args.admin_dsn, args.individuals, args.engagements) as (app, pool, client):
        await fill_figures(pool, args.individuals)
        index = app.state.reach_index
        if args.sql_rounds:
            app.state.reach_index = None
            print("SQL path (no index):")
            await measure(client, args.sql_rounds, tuple(p for p in args.sql_only.split(",") if p))
            app.state.reach_index = index
        started = time.perf_counter()
        await index.refresh(pool)
        print(f"reach index built in {time.perf_counter() - started:.1f} s ({index.describe()})")
        print("with the reach index:")
        await measure(client, args.rounds)
        await during_a_rebuild(client, pool, index)


if __name__ == "__main__":
    asyncio.run(main())
