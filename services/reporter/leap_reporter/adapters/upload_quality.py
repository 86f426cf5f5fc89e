"""Each upload's validation outcome (counts and problem codes, never values)."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import orjson

from leap_contracts.events import UploadValidatedV1


async def upsert(conn: asyncpg.Connection, event: UploadValidatedV1, validated_at: datetime | None = None) -> None:
    """Record the outcome; a later validation of the same upload replaces it."""
    await conn.execute(
        """INSERT INTO upload_quality (upload_id, provider_id, service_code, outcome, rejection_reason,
                                       rows_total, rows_accepted, rows_rejected, problems, validated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
           ON CONFLICT (upload_id) DO UPDATE SET
               provider_id = excluded.provider_id, service_code = excluded.service_code,
               outcome = excluded.outcome, rejection_reason = excluded.rejection_reason,
               rows_total = excluded.rows_total, rows_accepted = excluded.rows_accepted,
               rows_rejected = excluded.rows_rejected, problems = excluded.problems,
               validated_at = excluded.validated_at""",
        event.upload_id, event.provider_id, event.service_code, event.outcome, event.rejection_reason,
        event.rows_total, event.rows_accepted, event.rows_rejected,
        orjson.dumps([p.model_dump(mode="json") for p in event.problems]).decode(), validated_at,
    )
