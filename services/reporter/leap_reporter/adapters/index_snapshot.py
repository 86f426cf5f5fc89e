"""Reads one consistent snapshot of the read model into the reach index, set-based.

People get dense ids in a temporary table (their attributes computed once, by
:data:`leap_reporter.adapters.scope.PEOPLE`); then every attended engagement
leaves the database as four integers in ONE binary ``COPY`` (person id, service
and ward positions, day), parsed by numpy without a Python loop; cells, bitmaps
and the pattern columns are built from those arrays (see ``BitmapIndex.from_rows``).
"""

from __future__ import annotations

import asyncio
import io
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import numpy as np
import structlog

from leap_contracts.catalogue import SERVICES

from leap_reporter.adapters import history, read_model_state
from leap_reporter.adapters.scope import PEOPLE, PERSON
from leap_reporter.domain.as_at import Moment
from leap_reporter.domain.bitmap_index import PERSON_ATTRIBUTES, BitmapIndex
from leap_reporter.domain.contact_rows import ContactRows, FamilyLinks

_PEOPLE_IDS = f"""CREATE TEMP TABLE ix_person ON COMMIT DROP AS
WITH {PEOPLE} SELECT (row_number() OVER ())::int AS id, * FROM people"""
# Positions are 1-based (array_position); 0 means "a code not in the list", which triggers a second pass.
_ROWS = f"""SELECT p.id, coalesce(array_position($1::text[], x.service_code), 0),
       coalesce(array_position($2::text[], coalesce(x.ward_code, '')), 0), x.engagement_date - date '1970-01-01'
  FROM engagement x LEFT JOIN individual_alias a ON a.ref = x.individual_ref
  JOIN ix_person p ON p.person = {PERSON}
 WHERE x.attended"""
_EVERY_CODE = """SELECT array_agg(DISTINCT service_code), array_agg(DISTINCT coalesce(ward_code, ''))
  FROM engagement WHERE attended"""
_LINKS = """WITH links AS (
    SELECT DISTINCT coalesce(c.survivor_ref, r.carer_ref) AS carer, coalesce(k.survivor_ref, r.child_ref) AS child
      FROM relationship r
      LEFT JOIN individual_alias c ON c.ref = r.carer_ref
      LEFT JOIN individual_alias k ON k.ref = r.child_ref)
SELECT (dense_rank() OVER (ORDER BY l.carer))::int, coalesce(pc.id, 0), coalesce(pk.id, 0)
  FROM links l LEFT JOIN ix_person pc ON pc.person = l.carer LEFT JOIN ix_person pk ON pk.person = l.child"""
log = structlog.get_logger()
_HEADER = 19  # PGCOPY signature (11), flags (4), header extension length (4)


async def copy_integers(conn: asyncpg.Connection, query: str, columns: int, *args) -> np.ndarray:
    """Rows of ``columns`` NOT NULL int4 values, through one binary COPY, as an (n, columns) int32 array."""
    out = io.BytesIO()
    await conn.copy_from_query(query, *args, output=out, format="binary")
    data = out.getbuffer()
    extension = int.from_bytes(data[15:19], "big")
    dtype = np.dtype([("fields", ">i2"), *((f"v{i}", [("length", ">i4"), ("value", ">i4")]) for i in range(columns))])
    start = _HEADER + extension
    count = (len(data) - start - 2) // dtype.itemsize
    rows = np.frombuffer(data, dtype=dtype, count=count, offset=start)
    if count and (rows["fields"] != columns).any():
        raise ValueError("unexpected COPY layout")
    return np.stack([rows[f"v{i}"]["value"].astype(np.int32) for i in range(columns)], axis=1) if count \
        else np.zeros((0, columns), dtype=np.int32)


async def _rows(conn: asyncpg.Connection, wards: dict[str, str]) -> ContactRows:
    services, ward_codes = list(SERVICES), ["", *wards]
    found = await copy_integers(conn, _ROWS, 4, services, ward_codes)
    if len(found) and (found[:, 1:3] == 0).any():  # a code the catalogue or ward table does not know: exact anyway
        extra_services, extra_wards = await conn.fetchrow(_EVERY_CODE)
        services += sorted(set(extra_services) - set(services))
        ward_codes += sorted(set(extra_wards) - set(ward_codes))
        found = await copy_integers(conn, _ROWS, 4, services, ward_codes)
    return ContactRows(person=np.ascontiguousarray(found[:, 0]), service=(found[:, 1] - 1).astype(np.int16),
                       ward=(found[:, 2] - 1).astype(np.int16), day=np.ascontiguousarray(found[:, 3]),
                       services=tuple(services), wards=tuple(ward_codes))


@dataclass(frozen=True)
class Snapshot:
    """A built index and when its data is from: every change committed before ``taken_at`` is in it."""

    index: BitmapIndex
    taken_at: datetime


async def load(pool: asyncpg.Pool, moment: Moment | None = None) -> Snapshot:
    """The read model now, or (``moment``) as it stood at a past version: the same statements, reading the
    history's views (:func:`leap_reporter.adapters.history.shadow`)."""
    started = time.perf_counter()
    async with pool.acquire() as conn:
        taken_at = datetime.now(UTC)  # before the transaction's snapshot: a lower bound of what it holds
        async with conn.transaction(isolation="repeatable_read"):
            version = await read_model_state.version(conn)
            if moment is not None:
                await history.shadow(conn, moment)
                version = moment.added_until or moment.rows_at
            people, attributes, wards = await _people(conn)
            people_done = time.perf_counter()
            rows = await _rows(conn, wards)
            link_ids = await copy_integers(conn, _LINKS, 3)
            if moment is not None:
                await history.unshadow(conn)
    log.info("reach_index.loaded", rows=len(rows), links=len(link_ids),
             people_seconds=round(people_done - started, 2), rows_seconds=round(time.perf_counter() - people_done, 2))
    links = FamilyLinks(carer_key=link_ids[:, 0].copy(), carer=link_ids[:, 1].copy(), child=link_ids[:, 2].copy())
    index = await asyncio.to_thread(BitmapIndex.from_rows, version, rows, attributes, wards, people, links)
    return Snapshot(index, taken_at)


async def _people(conn: asyncpg.Connection) -> tuple[int, list, dict[str, str]]:
    """Dense ids in ``ix_person``; the id lists per attribute value; the ward names."""
    await conn.execute(_PEOPLE_IDS)
    await conn.execute("CREATE UNIQUE INDEX ON ix_person (person)")
    await conn.execute("ANALYZE ix_person")
    people = await conn.fetchval("SELECT count(*) FROM ix_person")
    attributes = []
    for name in PERSON_ATTRIBUTES:
        found = await conn.fetch(f"SELECT {name} AS value, array_agg(id) AS ids FROM ix_person GROUP BY 1")
        attributes += [(name, r["value"], r["ids"]) for r in found if r["value"] is not None]
    wards = {r["ward_code"]: r["ward_name"] for r in await conn.fetch("SELECT * FROM ward")}
    return people, attributes, wards
