"""Replacing an upload: when the corrected file is accepted, the old upload is withdrawn downstream.

Runs inside the transaction that finishes the new upload's validation, so the
withdrawal (keyed by the old upload) is queued in the outbox before the new
upload's record chunks, and the old upload is marked ``replaced`` at the same time.
"""

from __future__ import annotations

import uuid

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.delivery import outbox
from leap_contracts.envelope import seal
from leap_contracts.events import UploadWithdrawnV1

from leap_uploader.adapters import audit, uploads
from leap_uploader.service.validation_run import PRODUCER, UploadRef

log = structlog.get_logger()


async def withdraw(conn: asyncpg.Connection, old_id: uuid.UUID, new: UploadRef, topic_prefix: str,
                   correlation_id: str) -> bool:
    """False (nothing published) when the old upload was already replaced or is not an accepted upload."""
    old = await uploads.lock(conn, old_id)
    if old is None or old["replaced_by"] is not None or old["status"] not in ("processing", "completed"):
        log.warning("replacement.skipped", upload_id=str(new.upload_id), replaces=str(old_id),
                    status=old["status"] if old else None)
        return False
    event = UploadWithdrawnV1(upload_id=old_id, provider_id=old["provider_id"], service_code=old["service_code"],
                              replaced_by=new.upload_id, dataset=old["dataset"])
    sealed = seal(event, producer=PRODUCER, correlation_id=correlation_id)
    await outbox.add(conn, [(topics.UPLOAD_WITHDRAWN.full_name(topic_prefix), str(old_id), sealed)])
    await uploads.mark_replaced(conn, old_id, new.upload_id)
    await audit.record(conn, "uploader", "upload.withdrawn", target=f"upload:{old_id}",
                       replaced_by=str(new.upload_id))
    log.info("replacement.withdrawn", upload_id=str(old_id), replaced_by=str(new.upload_id))
    return True
