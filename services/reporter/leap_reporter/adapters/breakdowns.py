"""Unique individuals per category of one dimension, and new individuals per period (exact counts).

Every query counts distinct resolved persons over the ``scoped`` engagements
(see :mod:`leap_reporter.adapters.scope`), so an individual reached by two
services, wards or months counts once in each and once in the total.
"""

from __future__ import annotations

import asyncpg

from leap_contracts.catalogue import SERVICES

from leap_reporter.adapters.scope import PERSON_COLUMNS, Args, scoped_ctes
from leap_reporter.domain.filters import ReachFilters

PERIODS = {"month": "month", "quarter": "quarter", "year": "year"}
DIMENSIONS = ("service", "strand", "ward", *PERSON_COLUMNS, *PERIODS)


def _key(by: str, args: Args) -> str:
    if by == "service":
        return "s.service_code"
    if by == "strand":
        codes, strands = args.add(list(SERVICES)), args.add([s.strand for s in SERVICES.values()])
        return (f"coalesce((SELECT c.strand FROM unnest({codes}::text[], {strands}::text[]) AS c(code, strand) "
                f"WHERE c.code = s.service_code), 'unknown')")
    if by == "ward":
        return "coalesce(s.ward_code, 'unknown')"
    if by in PERSON_COLUMNS:
        return f"s.{by}"
    return f"to_char(date_trunc('{PERIODS[by]}', s.engagement_date), 'YYYY-MM-DD')"


async def reach_by(pool: asyncpg.Pool, filters: ReachFilters, by: str,
                   linkage: str = "exact") -> tuple[int, dict[str, int]]:
    """(total unique individuals, unique individuals per category of ``by``) under ``linkage``."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by}")
    if filters.service_codes == ():
        return 0, {}
    args = Args()
    ctes = scoped_ctes(filters, args, with_people=by in PERSON_COLUMNS, linkage=linkage)
    sql = f"""{ctes}, keyed AS MATERIALIZED (SELECT DISTINCT {_key(by, args)} AS key, s.person FROM scoped s)
SELECT key, count(*) AS n FROM keyed GROUP BY key
UNION ALL
SELECT NULL, count(DISTINCT person) FROM keyed"""
    rows = await pool.fetch(sql, *args)
    total = next((r["n"] for r in rows if r["key"] is None), 0)
    return total, {r["key"]: r["n"] for r in rows if r["key"] is not None}


async def new_by_period(pool: asyncpg.Pool, filters: ReachFilters, period: str,
                        linkage: str = "exact") -> dict[str, int]:
    """Individuals whose first attended contact within the filters falls in each period."""
    if filters.service_codes == ():
        return {}
    args = Args()
    sql = f"""{scoped_ctes(filters, args, linkage=linkage)}
SELECT to_char(date_trunc('{PERIODS[period]}', first), 'YYYY-MM-DD') AS key, count(*) AS n
  FROM (SELECT person, min(engagement_date) AS first FROM scoped GROUP BY person) AS firsts
 GROUP BY 1 ORDER BY 1"""
    return {r["key"]: r["n"] for r in await pool.fetch(sql, *args)}


async def ward_names(pool: asyncpg.Pool) -> dict[str, str]:
    return {r["ward_code"]: r["ward_name"] or r["ward_code"] for r in await pool.fetch("SELECT * FROM ward")}


async def wards_by_name(pool: asyncpg.Pool) -> list[tuple[str, str]]:
    """(code, name or code) of every ward, by name (the dashboard's ward choice)."""
    return [(r["ward_code"], r["ward_name"] or r["ward_code"])
            for r in await pool.fetch("SELECT * FROM ward ORDER BY ward_name NULLS LAST")]
