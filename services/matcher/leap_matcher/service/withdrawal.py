"""Withdraw (or replace) an upload: its records leave; the individuals they touched are recomputed
from their remaining records and split where the graph fell apart (see ``service.recomputing``)."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from leap_contracts.events import UploadWithdrawnV1

from leap_matcher.adapters import individuals, stored_records
from leap_matcher.domain.split import Outcome
from leap_matcher.service.chunk import ConcurrentChange
from leap_matcher.service.recomputing import recompute


@dataclass
class WithdrawalResult:
    event: UploadWithdrawnV1
    records: int
    outcome: Outcome


async def apply_withdrawal(conn: asyncpg.Connection, event: UploadWithdrawnV1) -> WithdrawalResult | None:
    # Exclusive: no chunk of this upload is half-applied while its records leave, and none comes back after.
    await stored_records.hold_upload(conn, event.upload_id, exclusive=True)
    if await stored_records.is_withdrawn(conn, event.upload_id):
        return None
    touched = await stored_records.individuals_of_upload(conn, event.upload_id)
    await individuals.lock_carer_tokens_of(conn, touched)  # the order chunks take: carer tokens, then individuals
    if (await individuals.lock(conn, touched) is None
            or await stored_records.individuals_of_upload(conn, event.upload_id) != touched):
        raise ConcurrentChange("an individual of the upload was merged meanwhile")
    removed = await stored_records.withdraw(conn, event.upload_id, event.replaced_by)
    return WithdrawalResult(event, removed, await recompute(conn, touched))
