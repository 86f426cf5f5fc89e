"""The outcome figures as published tables (docs/outcomes-dataset.md): read, tally, disclose."""

from __future__ import annotations

import json

import asyncpg

from leap_contracts.catalogue import SERVICES, STRANDS
from leap_contracts.outcomes.catalogue import MEASURES, derived_measures

from leap_reporter.adapters import outcome_queries, read_model_state
from leap_reporter.domain import outcome_figures as of
from leap_reporter.domain.disclosure import SUPPRESSED, Disclosure
from leap_reporter.domain.tables import Table

MEASURE_CODES = tuple(MEASURES)
_STRAND_OF = {s.code: s.strand for s in SERVICES.values()}
_NOTE = ("Outcome records link to the people the programme reached and never count as reach. Group 0 (not engaged) "
         "is the comparison group: records of children with no attended contact. Rates, 95% Wilson intervals and "
         "differences are computed from the published counts. The reach slicers do not apply: the slices are the "
         "rows.")


_LAST: dict[int, object] = {}
"""The counts of the last read-model version asked for: a page asks for several outcome tables at once."""


async def _counts(pool: asyncpg.Pool):
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        version = await read_model_state.version(conn)
        if version in _LAST:
            return _LAST[version]
        rows = await outcome_queries.grouped_records(conn, derived_measures())
    counts = of.cells((of.Tallied(r["measure"], r["positive"], tuple(r["codes"]), r["ward_name"], r["year"],
                                  r["n"]) for r in rows), _STRAND_OF)
    _LAST.clear()
    _LAST[version] = counts
    return counts


def _table(name: str, title: str, rows: list[of.Row], disclosure: Disclosure) -> Table:
    return Table(name, title, of.COLUMNS, tuple(r.values() for r in rows), note=_NOTE,
                 suppressed=disclosure.enabled)


async def by_services(pool: asyncpg.Pool, disclosure: Disclosure) -> Table:
    rows = of.by_services(await _counts(pool), MEASURE_CODES, disclosure)
    return _table("outcomes-by-services-engaged", "Outcomes by number of services engaged", rows, disclosure)


async def by_dimension(pool: asyncpg.Pool, dimension: str, disclosure: Disclosure) -> Table:
    counts = await _counts(pool)
    if dimension == "strand":
        keys = list(STRANDS)
    elif dimension == "service":
        keys = list(SERVICES)
    else:
        keys = sorted({k[2] for k in counts if k[1] == dimension})
    rows = of.by_dimension(counts, MEASURE_CODES, dimension, keys, disclosure)
    return _table(f"outcomes-by-{dimension}", f"Outcomes by {dimension}, engaged and not engaged", rows, disclosure)


async def coverage(pool: asyncpg.Pool, disclosure: Disclosure) -> Table:
    found = await outcome_queries.coverage(pool, derived_measures())
    children = disclosure.count(found["children"])
    counted = json.loads(found["by_measure"]) if isinstance(found["by_measure"], str) else found["by_measure"]
    by_measure = {"any": found["any_measure"], **{m: counted.get(m, 0) for m in MEASURE_CODES}}
    rows = []
    for measure, covered in by_measure.items():
        shown = disclosure.count(covered)
        share = None if SUPPRESSED in (shown, children) or not children else round(100 * int(shown) / int(children), 1)
        name = MEASURES[measure].name if measure in MEASURES else "Any outcome record"
        rows.append((measure, name, shown, children, share))
    return Table("outcomes-coverage", "Coverage: engaged children with an outcome record",
                 ("key", "Measure", "Engaged children with a record", "Engaged children", "Coverage %"), tuple(rows),
                 note="Engaged children: individuals reached whose attended contacts are all child records.",
                 suppressed=disclosure.enabled)


async def linkage(pool: asyncpg.Pool, disclosure: Disclosure) -> Table:
    rows = tuple((r["upload_id"], r["source_code"], *(disclosure.count(r[k]) for k in ("linked", "unlinked",
                                                                                         "bridging", "unlinkable")))
                 for r in await outcome_queries.linkage_by_source(pool))
    return Table("outcomes-linkage", "Outcome records by linkage, per upload (data-quality findings)",
                 ("Upload", "Source", "Linked", "Unlinked", "Bridging two individuals (not linked)", "Unlinkable"), rows,
                 note="A record bridging two individuals never merges them; it counts in no figure.",
                 suppressed=disclosure.enabled)


FIGURES = {
    "outcomes-by-services-engaged": lambda p, a: by_services(p, a.disclosure),
    **{f"outcomes-by-{d}": (lambda d: lambda p, a: by_dimension(p, d, a.disclosure))(d)
       for d in ("strand", "service", "ward", "year")},
    "outcomes-coverage": lambda p, a: coverage(p, a.disclosure),
    "outcomes-linkage": lambda p, a: linkage(p, a.disclosure),
}
"""Outcome figures ignore the reach filters (slices are their rows)."""
