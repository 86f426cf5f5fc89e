"""The upload_progress table: which uploads the figures include, and which are still on their way.

Each function runs inside the caller's transaction (the one that applies the event). An upload is
*counted* once every chunk its UploadValidatedV1 announced is in the read model; the transaction that
completes it stamps ``counted_version`` (the read-model version it commits, from ``read_model_state.bump``),
so a snapshot of version V includes exactly the uploads counted at V or before.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

# The chunks applied so far (a re-applied chunk replaces its row in the chunks table, so none counts twice), and
# counted once validated with every announced chunk applied (a chunk_count of 0: nothing to wait for). The chunks
# table: match_outcome for service files, outcome_chunk for outcome extracts.
_RECOUNT = """
UPDATE upload_progress p SET chunks_applied = m.chunks, records = m.records,
       counted_at = CASE WHEN m.complete THEN coalesce(p.counted_at, now()) ELSE p.counted_at END,
       counted_version = CASE WHEN m.complete
                              THEN coalesce(p.counted_version, $2)
                              ELSE p.counted_version END
  FROM (SELECT count(*)::int AS chunks, coalesce(sum(records), 0)::int AS records,
               count(*) >= (SELECT chunk_count FROM upload_progress WHERE upload_id = $1
                             AND closed IS NULL) AS complete
          FROM {chunks} WHERE upload_id = $1) m
 WHERE p.upload_id = $1
"""
_CHUNK_TABLES = ("match_outcome", "outcome_chunk")


async def recount(conn: asyncpg.Connection, upload_id: uuid.UUID, version: int, *,
                  chunks: str = "match_outcome") -> None:
    """Count the upload's applied chunks; ``version``: the read-model version the caller's transaction commits
    (``read_model_state.bump``), stamped when this completes the upload."""
    if chunks not in _CHUNK_TABLES:
        raise ValueError(f"not a chunks table: {chunks}")
    await conn.execute(_RECOUNT.format(chunks=chunks), upload_id, version)


async def received(conn: asyncpg.Connection, upload_id: uuid.UUID, provider_id: str, service_code: str,
                   received_at: datetime) -> None:
    await conn.execute(
        """INSERT INTO upload_progress (upload_id, provider_id, service_code, received_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (upload_id) DO UPDATE SET received_at = excluded.received_at""",
        upload_id, provider_id, service_code, received_at)


async def validated(conn: asyncpg.Connection, upload_id: uuid.UUID, provider_id: str, service_code: str, *,
                    chunk_count: int, rejected: bool, version: int) -> None:
    """Known chunk count (an upload rejected whole is closed); counted at once if its chunks are all in."""
    await conn.execute(
        """INSERT INTO upload_progress (upload_id, provider_id, service_code, chunk_count, closed)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (upload_id) DO UPDATE SET chunk_count = excluded.chunk_count,
               closed = coalesce(upload_progress.closed, excluded.closed)""",
        upload_id, provider_id, service_code, chunk_count, "rejected" if rejected else None)
    await recount(conn, upload_id, version)


async def chunk_applied(conn: asyncpg.Connection, upload_id: uuid.UUID, provider_id: str, service_code: str, *,
                        version: int) -> None:
    await conn.execute(
        """INSERT INTO upload_progress (upload_id, provider_id, service_code) VALUES ($1, $2, $3)
           ON CONFLICT (upload_id) DO NOTHING""", upload_id, provider_id, service_code)
    await recount(conn, upload_id, version)


async def close(conn: asyncpg.Connection, upload_id: uuid.UUID, state: str) -> None:
    """``rejected`` (at source) or ``withdrawn``: it will never be counted, so nothing waits for it;
    ``withdrawing``: asked for, pending until the matcher's withdrawal is applied (events from different
    topics arrive in any order, so the final states win)."""
    await conn.execute(
        """INSERT INTO upload_progress (upload_id, closed) VALUES ($1, $2)
           ON CONFLICT (upload_id) DO UPDATE SET closed = CASE
               WHEN upload_progress.closed IN ('rejected', 'withdrawn') THEN upload_progress.closed
               ELSE excluded.closed END""",
        upload_id, state)


@dataclass(frozen=True)
class Pending:
    """Uploads received but not yet in the figures, and since when the oldest waits."""

    uploads: int
    oldest: datetime | None


async def version_and_pending(conn: asyncpg.Connection | asyncpg.Pool) -> tuple[int, Pending]:
    """The read-model version and the pending uploads, read in one statement (one snapshot)."""
    row = await conn.fetchrow(
        """SELECT s.version, p.uploads, p.oldest FROM read_model_state s,
                  (SELECT count(*)::int AS uploads, min(received_at) AS oldest FROM upload_progress
                    WHERE (counted_at IS NULL AND closed IS NULL) OR closed = 'withdrawing') p""")
    return row["version"], Pending(row["uploads"], row["oldest"])


async def publish_counted(conn: asyncpg.Connection, up_to_version: int, at: datetime) -> list[asyncpg.Record]:
    """Mark the uploads a snapshot of ``up_to_version`` includes as reportable; returns them (once each)."""
    return await conn.fetch(
        """UPDATE upload_progress SET reportable_at = $2
            WHERE counted_at IS NOT NULL AND reportable_at IS NULL AND closed IS NULL AND counted_version <= $1
        RETURNING upload_id, provider_id, service_code, records, reportable_at""", up_to_version, at)
