"""SQL for uploads, their problems and the chunks the matcher has finished."""

from __future__ import annotations

import uuid
from typing import BinaryIO

import asyncpg

from leap_uploader.adapters import problem_spool


async def find(conn: asyncpg.Connection, provider_id: str, service_code: str, sha256: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT upload_id, status FROM uploads WHERE provider_id = $1 AND service_code = $2 AND sha256 = $3",
        provider_id, service_code, sha256,
    )


async def insert(conn: asyncpg.Connection, *, upload_id: uuid.UUID, provider_id: str, service_code: str,
                 sha256: str, size_bytes: int, file_format: str, replaces: uuid.UUID | None = None,
                 mapping_version: int | None = None, at_source: str | None = None,
                 dataset: str = "services") -> asyncpg.Record | None:
    """The new upload's row, or None when the same file is already an upload (a concurrent twin won).
    ``at_source``: what it keeps of an at-source manifest, as JSON (``domain.at_source.AtSource.to_json``)."""
    return await conn.fetchrow(
        """INSERT INTO uploads (upload_id, provider_id, service_code, sha256, size_bytes, file_format, replaces,
                                mapping_version, at_source, dataset)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
           ON CONFLICT (provider_id, service_code, sha256) DO NOTHING
           RETURNING upload_id, status, created_at""",
        upload_id, provider_id, service_code, sha256, size_bytes, file_format, replaces, mapping_version,
        at_source, dataset,
    )


async def start_validating(conn: asyncpg.Connection, upload_id: uuid.UUID) -> bool:
    """Mark the upload as being validated; False when it is already past validation."""
    status = await conn.execute(
        """UPDATE uploads SET status = 'validating', updated_at = now()
            WHERE upload_id = $1 AND status IN ('received', 'validating')""",
        upload_id,
    )
    return status == "UPDATE 1"


async def lock(conn: asyncpg.Connection, upload_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM uploads WHERE upload_id = $1 FOR UPDATE", upload_id)


async def replace_problems(conn: asyncpg.Connection, upload_id: uuid.UUID, spool: BinaryIO) -> None:
    """Problems spooled in COPY binary format (``problem_spool``) replace any stored before."""
    await conn.execute("DELETE FROM upload_problems WHERE upload_id = $1", upload_id)
    await conn.copy_to_table("upload_problems", source=spool, columns=problem_spool.COLUMNS, format="binary")


async def finish_validation(conn: asyncpg.Connection, upload_id: uuid.UUID, *, status: str, rows_total: int,
                            rows_accepted: int, rows_rejected: int, chunk_count: int, reason: str | None) -> None:
    await conn.execute(
        """UPDATE uploads SET status = $2, rows_total = $3, rows_accepted = $4, rows_rejected = $5,
                  chunk_count = $6, rejection_reason = $7, updated_at = now()
            WHERE upload_id = $1""",
        upload_id, status, rows_total, rows_accepted, rows_rejected, chunk_count, reason,
    )


async def by_id(conn: asyncpg.Connection | asyncpg.Pool, upload_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM uploads WHERE upload_id = $1", upload_id)


async def to_validate(conn: asyncpg.Connection | asyncpg.Pool, upload_id: uuid.UUID) -> asyncpg.Record | None:
    """What validating the upload needs: provider, service, file format, dataset, and as JSON text the mapping it
    was uploaded under (None: the standard columns) and its at-source manifest (None: not pseudonymised)."""
    return await conn.fetchrow(
        """SELECT u.provider_id, u.service_code, u.file_format, m.spec::text AS mapping, u.at_source::text AS at_source,
                  u.dataset
             FROM uploads u LEFT JOIN mappings m ON m.provider_id = u.provider_id
              AND m.service_code = u.service_code AND m.version = u.mapping_version
            WHERE u.upload_id = $1""", upload_id)


async def for_provider(conn: asyncpg.Connection, upload_id: uuid.UUID, provider_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM uploads WHERE upload_id = $1 AND provider_id = $2", upload_id, provider_id)


async def problems(conn: asyncpg.Connection, upload_id: uuid.UUID, limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT row_number, column_name, code, severity, message, value FROM upload_problems
            WHERE upload_id = $1 ORDER BY row_number NULLS FIRST, severity, column_name LIMIT $2""",
        upload_id, limit,
    )


async def mark_chunk_matched(conn: asyncpg.Connection, upload_id: uuid.UUID, chunk_index: int) -> None:
    await conn.execute(
        "INSERT INTO matched_chunks (upload_id, chunk_index) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        upload_id, chunk_index,
    )


async def count_matched(conn: asyncpg.Connection, upload_id: uuid.UUID) -> int:
    return await conn.fetchval("SELECT count(*) FROM matched_chunks WHERE upload_id = $1", upload_id)


async def set_matched(conn: asyncpg.Connection, upload_id: uuid.UUID, chunks_matched: int, *, completed: bool) -> None:
    await conn.execute(
        """UPDATE uploads SET chunks_matched = $2, updated_at = now(),
                  status = CASE WHEN $3 THEN 'completed' ELSE status END
            WHERE upload_id = $1""",
        upload_id, chunks_matched, completed,
    )


async def set_reportable(conn: asyncpg.Connection, upload_id: uuid.UUID, at) -> bool:
    """The first announcement wins (a rebuilt read model announces again)."""
    status = await conn.execute("UPDATE uploads SET reportable_at = $2, updated_at = now() "
                                "WHERE upload_id = $1 AND reportable_at IS NULL", upload_id, at)
    return status == "UPDATE 1"


async def mark_replaced(conn: asyncpg.Connection, old: uuid.UUID, new: uuid.UUID) -> None:
    await conn.execute("UPDATE uploads SET status = 'replaced', replaced_by = $2, updated_at = now() "
                       "WHERE upload_id = $1", old, new)


async def history(conn: asyncpg.Connection | asyncpg.Pool, provider_id: str | None, limit: int = 200) -> list[asyncpg.Record]:
    """Newest first; every provider's when ``provider_id`` is None."""
    return await conn.fetch(
        """SELECT upload_id, provider_id, service_code, file_format, size_bytes, status, rows_total, rows_accepted,
                  rows_rejected, chunk_count, chunks_matched, rejection_reason, replaces, replaced_by,
                  mapping_version, at_source IS NOT NULL AS at_source, created_at, updated_at, reportable_at, dataset
             FROM uploads WHERE ($1::text IS NULL OR provider_id = $1) ORDER BY created_at DESC LIMIT $2""",
        provider_id, limit)


async def reject_processing(conn: asyncpg.Connection, upload_id: uuid.UUID, reason: str) -> bool:
    """A downstream refusal (e.g. an at-source file made with another key): the upload is rejected."""
    status = await conn.execute(
        "UPDATE uploads SET status = 'rejected', rejection_reason = $2, updated_at = now() "
        "WHERE upload_id = $1 AND status = 'processing'", upload_id, reason)
    return status == "UPDATE 1"


async def fail(conn: asyncpg.Connection, upload_id: uuid.UUID, reason: str) -> None:
    """Nothing of the upload was kept (the platform could not store it): 'failed', with why."""
    await conn.execute("DELETE FROM upload_problems WHERE upload_id = $1", upload_id)
    await conn.execute(
        """UPDATE uploads SET status = 'failed', rows_total = NULL, rows_accepted = NULL, rows_rejected = NULL,
                  chunk_count = NULL, rejection_reason = $2, updated_at = now()
            WHERE upload_id = $1""", upload_id, reason)


async def restart(conn: asyncpg.Connection, upload_id: uuid.UUID) -> asyncpg.Record | None:
    """A failed upload received again: back to 'received' (None when it is not failed, e.g. a concurrent twin)."""
    return await conn.fetchrow(
        """UPDATE uploads SET status = 'received', rejection_reason = NULL, updated_at = now()
            WHERE upload_id = $1 AND status = 'failed' RETURNING upload_id, status, created_at""", upload_id)
