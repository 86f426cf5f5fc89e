"""The reach query: distinct resolved individuals with a matching engagement, overall and per service.

Set-based and hash-friendly, in three steps:

1. ``pairs``: the matching attended engagements reduced to distinct
   (service, individual_ref) pairs; only the filters asked for appear in the
   WHERE clause, so the planner can use the (service_code, engagement_date) or
   engagement_date index; a ward given by code or name is first resolved to
   its code in the small ``ward`` table. A person has many contacts, so the
   pairs are far fewer than the engagements.
2. ``reached``: each pair resolved through the (flat) alias map with
   ``coalesce(alias.survivor_ref, individual_ref)``, de-duplicated again.
3. per-service counts and the overall count (a person reached by several
   services counts once), both by hashing, never by sorting.

Only attended contacts count: a contact that did not happen reached nobody.
"""

from __future__ import annotations

import asyncpg

from leap_reporter.adapters.scope import Args, engagement_conditions, scoped_ctes
from leap_reporter.domain.filters import ReachFilters

_QUERY = """
WITH pairs AS (
    SELECT DISTINCT e.service_code, e.individual_ref
      FROM engagement e
     WHERE {where}
), reached AS MATERIALIZED (
    SELECT DISTINCT p.service_code, coalesce(a.survivor_ref, p.individual_ref) AS person
      FROM pairs p
      LEFT JOIN individual_alias a ON a.ref = p.individual_ref
)
SELECT service_code, count(*) AS n FROM reached GROUP BY service_code
UNION ALL
SELECT NULL, count(*) FROM (SELECT DISTINCT person FROM reached) AS people
"""


_BY_PERSON = """
{ctes}, reached AS MATERIALIZED (SELECT DISTINCT service_code, person FROM scoped)
SELECT service_code, count(*) AS n FROM reached GROUP BY service_code
UNION ALL
SELECT NULL, count(*) FROM (SELECT DISTINCT person FROM reached) AS people
"""


def build_query(filters: ReachFilters, linkage: str = "exact") -> tuple[str, list]:
    """The SQL and its arguments; every value is a bind parameter. Under tolerant linkage a person is a
    record's tolerant individual (``leap_reporter.adapters.scope``)."""
    args = Args()
    if filters.by_person or linkage != "exact":  # person attributes need the people CTE (leap_reporter.adapters.scope)
        return _BY_PERSON.format(ctes=scoped_ctes(filters, args, linkage=linkage)), args
    where = engagement_conditions(filters, args, alias="e")
    return _QUERY.format(where="\n       AND ".join(where)), args


async def count_reach(pool: asyncpg.Pool, filters: ReachFilters,
                      linkage: str = "exact") -> tuple[int, dict[str, int]]:
    """(unique individuals overall, unique individuals per service code) under ``linkage``."""
    if filters.service_codes == ():
        return 0, {}  # e.g. services outside the asked strand: nothing can match
    sql, args = build_query(filters, linkage)
    total, per_service = 0, {}
    for row in await pool.fetch(sql, *args):
        if row["service_code"] is None:
            total = row["n"]
        else:
            per_service[row["service_code"]] = row["n"]
    return total, per_service
