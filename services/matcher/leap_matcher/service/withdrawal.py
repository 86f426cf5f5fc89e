"""Withdraw (or replace) an upload: its records leave; the individuals they touched are recomputed
from their remaining records and split where the graph fell apart (see adapters/recompute.py)."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from leap_contracts.events import UploadWithdrawnV1

from leap_matcher.adapters import individuals
from leap_matcher.adapters.recompute import Outcome, recompute
from leap_matcher.service.chunk import ConcurrentChange


@dataclass
class WithdrawalResult:
    event: UploadWithdrawnV1
    records: int
    outcome: Outcome


async def _touched(conn: asyncpg.Connection, event: UploadWithdrawnV1) -> list[int]:
    rows = await conn.fetch("SELECT DISTINCT individual_id FROM record WHERE upload_id = $1 ORDER BY 1", event.upload_id)
    return [r[0] for r in rows]


async def apply_withdrawal(conn: asyncpg.Connection, event: UploadWithdrawnV1) -> WithdrawalResult | None:
    # Exclusive: no chunk of this upload is half-applied while its records leave, and none comes back after.
    await individuals.hold_upload(conn, event.upload_id, exclusive=True)
    if await individuals.is_withdrawn(conn, event.upload_id):
        return None
    touched = await _touched(conn, event)
    await individuals.lock_carer_tokens_of(conn, touched)  # the order chunks take: carer tokens, then individuals
    if await individuals.lock(conn, touched) is None or await _touched(conn, event) != touched:
        raise ConcurrentChange("an individual of the upload was merged meanwhile")
    await conn.execute("DELETE FROM carer_token WHERE upload_id = $1", event.upload_id)
    status = await conn.execute("DELETE FROM record WHERE upload_id = $1", event.upload_id)
    removed = int(status.split()[-1])
    await conn.execute("INSERT INTO withdrawn_upload (upload_id, replaced_by, records) VALUES ($1, $2, $3)",
                       event.upload_id, event.replaced_by, removed)
    return WithdrawalResult(event, removed, await recompute(conn, touched))
