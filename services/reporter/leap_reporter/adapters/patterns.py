"""Engagement patterns (exact counts): services and contacts per individual, overlap, once only, families.
``linkage``: who is a person (``leap_reporter.adapters.scope``); families always relate exact individuals."""

from __future__ import annotations

import asyncpg

from leap_reporter.adapters.scope import Args, scoped_ctes
from leap_reporter.domain.filters import ReachFilters


async def distribution(pool: asyncpg.Pool, filters: ReachFilters, column: str,
                       linkage: str = "exact") -> dict[int, int]:
    """How many individuals have each number of ``column`` (``services`` or ``contacts``)."""
    if filters.service_codes == ():
        return {}
    args = Args()
    sql = f"""{scoped_ctes(filters, args, linkage=linkage)}
SELECT n, count(*) AS individuals FROM (
    SELECT count({'DISTINCT service_code' if column == 'services' else '*'}) AS n FROM scoped GROUP BY person
) AS per GROUP BY n"""
    return {r["n"]: r["individuals"] for r in await pool.fetch(sql, *args)}


async def overlap(pool: asyncpg.Pool, filters: ReachFilters, linkage: str = "exact") -> dict[tuple[str, str], int]:
    """Individuals reached by both services, for every pair (a <= b; a == b is the service's reach)."""
    if filters.service_codes == ():
        return {}
    args = Args()
    sql = f"""{scoped_ctes(filters, args, linkage=linkage)},
pairs AS MATERIALIZED (SELECT DISTINCT person, service_code FROM scoped)
SELECT a.service_code AS a, b.service_code AS b, count(*) AS n
  FROM pairs a JOIN pairs b ON a.person = b.person AND a.service_code <= b.service_code
 GROUP BY 1, 2"""
    return {(r["a"], r["b"]): r["n"] for r in await pool.fetch(sql, *args)}


async def once_only(pool: asyncpg.Pool, filters: ReachFilters,
                    linkage: str = "exact") -> tuple[int, int, dict[str, int]]:
    """(individuals reached, reached exactly once and never again, those per service)."""
    if filters.service_codes == ():
        return 0, 0, {}
    args = Args()
    sql = f"""{scoped_ctes(filters, args, linkage=linkage)}, per AS (
    SELECT person, count(*) AS contacts, min(service_code) AS service_code FROM scoped GROUP BY person)
SELECT service_code, count(*) FILTER (WHERE contacts = 1) AS once, count(*) AS reached FROM per GROUP BY ROLLUP (service_code)"""
    rows = await pool.fetch(sql, *args)
    total = next((r for r in rows if r["service_code"] is None), None)
    by_service = {r["service_code"]: r["once"] for r in rows if r["service_code"] is not None and r["once"]}
    return (total["reached"], total["once"], by_service) if total else (0, 0, {})


async def families(pool: asyncpg.Pool, filters: ReachFilters) -> dict[str, int]:
    """Families = a primary carer and the children related to them (RelationshipLinkedV1), resolved
    through merges. Reached when the carer or any of their children is in scope."""
    if filters.service_codes == ():
        return {}
    args = Args()
    # Each membership test is a WHERE ... IN (a semi-join): as a flag in the select list it becomes a subplan that,
    # at millions of people, outgrows work_mem and is rescanned per row; joins to the CTE get nested loops.
    sql = f"""{scoped_ctes(filters, args)}, reached AS MATERIALIZED (SELECT DISTINCT person FROM scoped),
links AS MATERIALIZED (
    SELECT DISTINCT coalesce(c.survivor_ref, r.carer_ref) AS carer, coalesce(k.survivor_ref, r.child_ref) AS child
      FROM relationship r
      LEFT JOIN individual_alias c ON c.ref = r.carer_ref
      LEFT JOIN individual_alias k ON k.ref = r.child_ref
), carer_in AS MATERIALIZED (SELECT DISTINCT carer FROM links WHERE carer IN (SELECT person FROM reached)),
child_in AS MATERIALIZED (SELECT carer, child FROM links WHERE child IN (SELECT person FROM reached))
SELECT (SELECT count(*) FROM (SELECT carer FROM carer_in UNION SELECT carer FROM child_in) AS f) AS families_reached,
       (SELECT count(DISTINCT carer) FROM child_in WHERE carer IN (SELECT carer FROM carer_in))
           AS carer_and_child_reached,
       (SELECT count(DISTINCT child) FROM child_in) AS children_reached_with_a_carer"""
    row = await pool.fetchrow(sql, *args)
    return dict(row)
