"""What a provider may see of its own upload: status, counts and the problems found (each look audited)."""

from __future__ import annotations

import uuid

import asyncpg

from leap_uploader.adapters import audit, uploads
from leap_uploader.service.auth import Provider

ERRORS_LIMIT = 1000


async def upload_status(pool: asyncpg.Pool, provider: Provider, upload_id: uuid.UUID,
                        limit: int = ERRORS_LIMIT) -> dict | None:
    """None when the upload does not exist or belongs to another provider (the caller cannot tell which)."""
    async with pool.acquire() as conn:
        row = await uploads.for_provider(conn, upload_id, provider.id)
        if row is None:
            return None
        problems = await uploads.problems(conn, upload_id, limit + 1)
        await audit.record(conn, provider.actor, "upload.viewed", target=f"upload:{upload_id}")
    return {
        "upload_id": row["upload_id"],
        "service": row["service_code"],
        "file_format": row["file_format"],
        "size_bytes": row["size_bytes"],
        "status": row["status"],
        "rows_total": row["rows_total"],
        "rows_accepted": row["rows_accepted"],
        "rows_rejected": row["rows_rejected"],
        "rejection_reason": row["rejection_reason"],
        "chunk_count": row["chunk_count"],
        "chunks_matched": row["chunks_matched"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "reportable_at": row["reportable_at"],
        "replaces": row["replaces"],
        "replaced_by": row["replaced_by"],
        "at_source": row["at_source"] is not None,
        "errors": [
            {"row": p["row_number"], "column": p["column_name"], "code": p["code"],
             "severity": p["severity"], "message": p["message"]}
            for p in problems[:limit]
        ],
        "errors_truncated": len(problems) > limit,
    }
