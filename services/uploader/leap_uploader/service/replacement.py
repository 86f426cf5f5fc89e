"""Replacing an upload: when the corrected file is accepted, the old upload is withdrawn downstream.

Runs inside the unit of work that finishes the new upload's validation, so the
withdrawal (keyed by the old upload) is queued in the outbox before the new
upload's record chunks, and the old upload is marked ``replaced`` at the same time.
"""

from __future__ import annotations

import uuid

import structlog

from leap_contracts.delivery.handlers import UnitOfWork
from leap_contracts.events import UploadWithdrawnV1

from leap_uploader.adapters import audit, uploads

log = structlog.get_logger()


async def withdraw(uow: UnitOfWork, old_id: uuid.UUID, new_id: uuid.UUID) -> bool:
    """False (nothing published) when the old upload was already replaced or is not an accepted upload."""
    old = await uploads.lock(uow.conn, old_id)
    if old is None or old["replaced_by"] is not None or old["status"] not in ("processing", "completed"):
        log.warning("replacement.skipped", upload_id=str(new_id), replaces=str(old_id),
                    status=old["status"] if old else None)
        return False
    uow.outbox.add(UploadWithdrawnV1(upload_id=old_id, provider_id=old["provider_id"], service_code=old["service_code"],
                                     replaced_by=new_id, dataset=old["dataset"]))
    await uploads.mark_replaced(uow.conn, old_id, new_id)
    await audit.record(uow.conn, "uploader", "upload.withdrawn", target=f"upload:{old_id}", replaced_by=str(new_id))
    log.info("replacement.withdrawn", upload_id=str(old_id), replaced_by=str(new_id))
    return True
