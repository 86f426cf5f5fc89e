"""SQL for outcome records (the read model's own tables; never the engagement table)."""

from __future__ import annotations

import uuid

import asyncpg

from leap_reporter.adapters import progress

_EXCLUDING = ("outcome_bridges_individuals", "outcome_unlinkable")
_COLUMNS = ["upload_id", "row_number", "individual_ref", "subject_ref", "source_code", "provider_id", "measure",
            "measured_on", "result", "positive", "birth_month", "gender", "ward_code", "ward_name", "excluded",
            "findings"]


async def store_chunk(conn: asyncpg.Connection, event) -> int:
    """A chunk sent again replaces its rows (same upload and row numbers), so nothing counts twice. A chunk of
    an extract already withdrawn (its withdrawal travels on another topic, so may come first) is dropped."""
    if await conn.fetchval("SELECT closed = 'withdrawn' FROM upload_progress WHERE upload_id = $1", event.upload_id):
        return 0
    rows = [(event.upload_id, r.row_number, r.individual_ref, r.subject_ref, event.source_code, event.provider_id,
             r.outcome.measure, r.outcome.measured_on, r.outcome.result, r.outcome.positive, r.birth_month,
             r.gender, r.ward_code, r.ward_name, any(f in _EXCLUDING for f in r.findings), list(r.findings))
            for r in event.records]
    await conn.execute("DELETE FROM outcome_record WHERE upload_id = $1 AND row_number = ANY($2::int[])",
                       event.upload_id, [r[1] for r in rows])
    await conn.copy_records_to_table("outcome_record", records=rows, columns=_COLUMNS)
    await conn.execute(
        """INSERT INTO outcome_chunk (upload_id, chunk_index, records, linked, unlinked, bridging)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (upload_id, chunk_index) DO UPDATE SET records = excluded.records,
               linked = excluded.linked, unlinked = excluded.unlinked, bridging = excluded.bridging""",
        event.upload_id, event.chunk_index, len(rows), event.linked, event.unlinked, event.bridging)
    return len(rows)


async def relink(conn: asyncpg.Connection, event) -> int:
    """OutcomeLinksChangedV1: the changed records' links and the chunk's counts. Records no longer stored (their
    extract withdrawn) stay gone; the chunk's event always comes first (same topic and key)."""
    status = await conn.execute(
        """UPDATE outcome_record o SET individual_ref = c.ref,
               findings = array_remove(o.findings, $4) || CASE WHEN c.bridges THEN ARRAY[$4] ELSE '{}' END,
               excluded = c.bridges OR $5 = ANY(o.findings)
             FROM unnest($2::int[], $3::text[], $6::bool[]) AS c(row_number, ref, bridges)
            WHERE o.upload_id = $1 AND o.row_number = c.row_number""",
        event.upload_id, [r.row_number for r in event.changed], [r.individual_ref for r in event.changed],
        _EXCLUDING[0], _EXCLUDING[1], [r.bridges for r in event.changed])
    await conn.execute("UPDATE outcome_chunk SET linked = $3, unlinked = $4, bridging = $5 "
                       "WHERE upload_id = $1 AND chunk_index = $2",
                       event.upload_id, event.chunk_index, event.linked, event.unlinked, event.bridging)
    return int(status.split()[-1])


async def chunk_applied(conn: asyncpg.Connection, upload_id: uuid.UUID, provider_id: str, source: str, *,
                        version: int) -> None:
    await conn.execute(
        """INSERT INTO upload_progress (upload_id, provider_id, service_code) VALUES ($1, $2, $3)
           ON CONFLICT (upload_id) DO NOTHING""", upload_id, provider_id, source)
    await recount(conn, upload_id, version)


async def recount(conn: asyncpg.Connection, upload_id: uuid.UUID, version: int) -> None:
    """``version``: the read-model version the caller's transaction commits (``read_model_state.bump``)."""
    await progress.recount(conn, upload_id, version, chunks="outcome_chunk")


async def withdraw(conn: asyncpg.Connection, upload_id: uuid.UUID) -> int:
    await conn.execute("DELETE FROM outcome_chunk WHERE upload_id = $1", upload_id)
    status = await conn.execute("DELETE FROM outcome_record WHERE upload_id = $1", upload_id)
    return int(status.split()[-1])
