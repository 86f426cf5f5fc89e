"""Reads for the outcome figures: records grouped by what the figures need, and coverage. Read-only."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from leap_contracts.outcomes.catalogue import Measure

from leap_reporter.domain.outcome_filters import OutcomeFilters

# Each record (not excluded) with its individual followed through merges; derived measures (all_of) as one
# row per child's review (upload, subject, day) holding every part, positive when every part is. Then one result
# per child and measure (leap_contracts.outcomes.one_result): a child is its individual, or, unlinked, its subject
# in its extract; the latest day wins, then not positive, then a ward, then the greater ward name.
_RECORDS = """
WITH rec AS (
    SELECT o.measure, o.positive, o.ward_code, o.ward_name, o.gender, o.measured_on,
           coalesce(a.survivor_ref, o.individual_ref) AS ref,
           o.upload_id::text || ':' || coalesce(o.subject_ref, o.row_number::text) AS subject
      FROM outcome_record o LEFT JOIN individual_alias a ON a.ref = o.individual_ref
     WHERE NOT o.excluded
    UNION ALL
    SELECT d.code, bool_and(o.positive), min(o.ward_code), min(o.ward_name), min(o.gender), o.measured_on,
           min(coalesce(a.survivor_ref, o.individual_ref)), o.upload_id::text || ':' || o.subject_ref
      FROM unnest($1::text[], $2::text[], $3::int[]) AS d(code, parts, n)
      JOIN outcome_record o ON o.measure = ANY(string_to_array(d.parts, ','))
      LEFT JOIN individual_alias a ON a.ref = o.individual_ref
     WHERE NOT o.excluded AND o.subject_ref IS NOT NULL
     GROUP BY d.code, d.n, o.upload_id, o.subject_ref, o.measured_on
    HAVING count(DISTINCT o.measure) = d.n AND count(*) = d.n
), counted AS (
    SELECT DISTINCT ON (measure, coalesce('i:' || ref, 's:' || subject)) *
      FROM rec
     WHERE ($4::text IS NULL OR lower(ward_code) = $4 OR lower(ward_name) = $4)
       AND ($5::date IS NULL OR measured_on >= $5) AND ($6::date IS NULL OR measured_on <= $6)
       AND ($7::text IS NULL OR gender = $7)
     ORDER BY measure, coalesce('i:' || ref, 's:' || subject), measured_on DESC, positive,
              ward_name IS NOT NULL DESC, ward_name COLLATE "C" DESC
), refs AS (
    SELECT DISTINCT ref FROM counted WHERE ref IS NOT NULL
), members AS (
    SELECT ref, ref AS member FROM refs
    UNION ALL
    SELECT a.survivor_ref, a.ref FROM individual_alias a JOIN refs r ON r.ref = a.survivor_ref
), services AS (
    SELECT m.ref, array_agg(DISTINCT e.service_code ORDER BY e.service_code) AS codes
      FROM members m JOIN engagement e ON e.individual_ref = m.member AND e.attended
     GROUP BY m.ref
)
SELECT c.measure, c.positive, coalesce(s.codes, '{}') AS codes, c.ward_name,
       extract(year FROM c.measured_on)::int AS year, count(*)::int AS n
  FROM counted c LEFT JOIN services s ON s.ref = c.ref
 WHERE $8::text[] IS NULL OR s.codes IS NULL OR s.codes && $8::text[]
 GROUP BY 1, 2, 3, 4, 5
"""

# Engaged children: individuals with an attended contact, every attended contact a child record; covered: those
# with a linked record of the measure (or of any, '*').
_COVERAGE = """
WITH children AS (
    SELECT coalesce(a.survivor_ref, e.individual_ref) AS ref
      FROM engagement e LEFT JOIN individual_alias a ON a.ref = e.individual_ref
     WHERE e.attended
     GROUP BY 1 HAVING bool_and(e.beneficiary_type = 'child')
        AND ($4::text[] IS NULL OR bool_or(e.service_code = ANY($4::text[])))
), linked AS (
    SELECT DISTINCT coalesce(a.survivor_ref, o.individual_ref) AS ref, o.measure
      FROM outcome_record o LEFT JOIN individual_alias a ON a.ref = o.individual_ref
     WHERE o.individual_ref IS NOT NULL AND NOT o.excluded
    UNION
    SELECT min(coalesce(a.survivor_ref, o.individual_ref)), d.code
      FROM unnest($1::text[], $2::text[], $3::int[]) AS d(code, parts, n)
      JOIN outcome_record o ON o.measure = ANY(string_to_array(d.parts, ','))
      LEFT JOIN individual_alias a ON a.ref = o.individual_ref
     WHERE NOT o.excluded AND o.subject_ref IS NOT NULL AND o.individual_ref IS NOT NULL
     GROUP BY d.code, d.n, o.upload_id, o.subject_ref, o.measured_on
    HAVING count(DISTINCT o.measure) = d.n AND count(*) = d.n
)
SELECT (SELECT count(*) FROM children)::int AS children,
       coalesce((SELECT jsonb_object_agg(measure, n) FROM (
           SELECT l.measure, count(DISTINCT l.ref)::int AS n FROM linked l JOIN children c USING (ref)
            GROUP BY l.measure) m), '{}') AS by_measure,
       (SELECT count(DISTINCT l.ref) FROM linked l JOIN children c USING (ref))::int AS any_measure
"""


async def grouped_records(conn: asyncpg.Connection | asyncpg.Pool, derived: Sequence[Measure],
                          filters: OutcomeFilters = OutcomeFilters()) -> list[asyncpg.Record]:
    f = filters
    return await conn.fetch(_RECORDS, *_derived(derived), f.ward.lower() if f.ward else None, f.date_from, f.date_to,
                            f.gender, None if f.services is None else list(f.services))


def _derived(derived: Sequence[Measure]) -> tuple[list, list, list]:
    return [m.code for m in derived], [",".join(m.all_of) for m in derived], [len(m.all_of) for m in derived]


async def coverage(conn: asyncpg.Connection | asyncpg.Pool, derived: Sequence[Measure],
                   services: Sequence[str] | None = None) -> asyncpg.Record:
    return await conn.fetchrow(_COVERAGE, *_derived(derived), None if services is None else list(services))


async def linkage_by_source(conn: asyncpg.Connection | asyncpg.Pool) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT o.upload_id::text AS upload_id, o.source_code,
                  count(*) FILTER (WHERE o.individual_ref IS NOT NULL)::int AS linked,
                  count(*) FILTER (WHERE o.individual_ref IS NULL AND NOT o.excluded)::int AS unlinked,
                  count(*) FILTER (WHERE 'outcome_bridges_individuals' = ANY(o.findings))::int AS bridging,
                  count(*) FILTER (WHERE 'outcome_unlinkable' = ANY(o.findings))::int AS unlinkable
             FROM outcome_record o GROUP BY 1, 2 ORDER BY 2, 1""")
