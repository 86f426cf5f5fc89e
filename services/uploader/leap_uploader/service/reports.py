"""Upload history and validation reports, as each role may see them.

Provider users see only their own provider's uploads, with the offending values
(their own data, restricted zone). Analysts and admins see every upload's counts
and problems but never a value.
"""

from __future__ import annotations

import uuid

import asyncpg

from leap_uploader.adapters import audit, uploads
from leap_uploader.domain.report_export import report_rows
from leap_uploader.service.sign_in import SessionUser

REPORT_LIMIT = 200_000


def _scope(user: SessionUser) -> str | None:
    return user.provider_id if user.role == "provider" else None


async def history(pool: asyncpg.Pool, user: SessionUser) -> list[dict]:
    rows = await uploads.history(pool, _scope(user))
    return [_jsonable(dict(r)) for r in rows]


async def report(pool: asyncpg.Pool, user: SessionUser, upload_id: uuid.UUID, *, action: str = "report.viewed",
                 limit: int = REPORT_LIMIT) -> tuple[dict, list[tuple]] | None:
    """(upload, report rows) or None when the user may not see it (indistinguishable from absent)."""
    async with pool.acquire() as conn:
        row = await uploads.by_id(conn, upload_id)
        if row is None or (user.role == "provider" and row["provider_id"] != user.provider_id):
            return None
        problems = await uploads.problems(conn, upload_id, limit)
        await audit.record(conn, user.actor, action, target=f"upload:{upload_id}", problems=len(problems))
    show_values = user.role == "provider"
    listed = [{"row": p["row_number"], "column": p["column_name"], "severity": p["severity"],
               "message": p["message"], "value": p["value"] if show_values else None} for p in problems]
    return _jsonable(dict(row)), report_rows(listed)


def _jsonable(row: dict) -> dict:
    for key, value in list(row.items()):
        if isinstance(value, uuid.UUID):
            row[key] = str(value)
        elif hasattr(value, "isoformat"):
            row[key] = value.isoformat()
    return row
