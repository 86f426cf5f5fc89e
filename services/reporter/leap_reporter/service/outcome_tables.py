"""The outcome figures as published tables (docs/outcomes-dataset.md): read, tally, disclose."""

from __future__ import annotations

import json

import asyncpg

from leap_contracts.catalogue import SERVICES, STRANDS
from leap_contracts.outcomes.catalogue import MEASURES, derived_measures

from leap_reporter.adapters import outcome_queries, read_model_state
from leap_reporter.domain import outcome_figures as of
from leap_reporter.domain.disclosure import SUPPRESSED, Disclosure
from leap_reporter.domain.outcome_filters import OutcomeFilters, note, outcome_filters
from leap_reporter.domain.tables import Table

MEASURE_CODES = tuple(MEASURES)
_STRAND_OF = {s.code: s.strand for s in SERVICES.values()}
_NOTE = ("Outcome records link to the people the programme reached and never count as reach; one result per child "
         "per measure (the latest). Group 0 (not engaged) is the comparison group: records of children with no "
         "attended contact. Rates, 95% Wilson intervals and differences come from the exact counts where the "
         "denominator is 5,000 or more, else from the published counts.")


_LAST: dict[tuple, object] = {}
"""The counts of the last read-model version asked for, per filters: a page asks for several outcome tables at once."""


async def _counts(pool: asyncpg.Pool, filters: OutcomeFilters):
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        version = await read_model_state.version(conn)
        if (version, filters) in _LAST:
            return _LAST[(version, filters)]
        rows = await outcome_queries.grouped_records(conn, derived_measures(), filters)
    counts = of.cells((of.Tallied(r["measure"], r["positive"], tuple(r["codes"]), r["ward_name"], r["year"],
                                  r["n"]) for r in rows), _STRAND_OF)
    if len(_LAST) >= 8 or any(v != version for v, _ in _LAST):
        _LAST.clear()
    _LAST[(version, filters)] = counts
    return counts


def _table(name: str, title: str, rows: list[of.Row], disclosure: Disclosure, filters: OutcomeFilters) -> Table:
    return Table(name, title, of.COLUMNS, tuple(r.values() for r in rows), note=_NOTE + note(filters),
                 suppressed=disclosure.enabled)


async def by_services(pool: asyncpg.Pool, disclosure: Disclosure, filters: OutcomeFilters = OutcomeFilters()) -> Table:
    rows = of.by_services(await _counts(pool, filters), MEASURE_CODES, disclosure)
    return _table("outcomes-by-services-engaged", "Outcomes by number of services engaged", rows, disclosure, filters)


async def by_dimension(pool: asyncpg.Pool, dimension: str, disclosure: Disclosure,
                       filters: OutcomeFilters = OutcomeFilters()) -> Table:
    counts = await _counts(pool, filters)
    if dimension == "strand":
        keys = list(STRANDS)
    elif dimension == "service":
        keys = list(SERVICES)
    else:
        keys = sorted({k[2] for k in counts if k[1] == dimension})
    rows = of.by_dimension(counts, MEASURE_CODES, dimension, keys, disclosure)
    return _table(f"outcomes-by-{dimension}", f"Outcomes by {dimension}, engaged and not engaged", rows, disclosure,
                  filters)


async def coverage(pool: asyncpg.Pool, disclosure: Disclosure, filters: OutcomeFilters = OutcomeFilters()) -> Table:
    found = await outcome_queries.coverage(pool, derived_measures(), filters.services)
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
                 note="Engaged children: individuals reached whose attended contacts are all child records "
                      "(of the services asked for, if any). Other slicers do not apply to coverage.",
                 suppressed=disclosure.enabled)


async def linkage(pool: asyncpg.Pool, disclosure: Disclosure) -> Table:
    rows = tuple((r["upload_id"], r["source_code"], *(disclosure.count(r[k]) for k in ("linked", "unlinked",
                                                                                         "bridging", "unlinkable")))
                 for r in await outcome_queries.linkage_by_source(pool))
    return Table("outcomes-linkage", "Outcome records by linkage, per upload (data-quality findings)",
                 ("Upload", "Source", "Linked", "Unlinked", "Bridging two individuals (not linked)", "Unlinkable"), rows,
                 note="A record bridging two individuals never merges them; it counts in no figure.",
                 suppressed=disclosure.enabled)


def _by(dimension: str):
    return lambda p, a: by_dimension(p, dimension, a.disclosure, outcome_filters(a.filters))


FIGURES = {
    "outcomes-by-services-engaged": lambda p, a: by_services(p, a.disclosure, outcome_filters(a.filters)),
    **{f"outcomes-by-{d}": _by(d) for d in ("strand", "service", "ward", "year")},
    "outcomes-coverage": lambda p, a: coverage(p, a.disclosure, outcome_filters(a.filters)),
    "outcomes-linkage": lambda p, a: linkage(p, a.disclosure),
}
"""The reach slicers the outcome figures take (``domain.outcome_filters``); the linkage table (per upload) none."""
