"""Tell providers when their upload counts: ``UploadReportableV1`` once the published figures include it.

The published figures are those the dashboard and the API answer from by default: the reach index's snapshot
when there is one (a snapshot of read-model version V includes every upload counted at V or before), else the
read model itself (SQL). ``publish`` marks those uploads and queues their events in one transaction, so each
upload is announced once, whichever reporter instance sees it first.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import structlog

from leap_contracts.delivery.outbox import Outbox
from leap_contracts.events import UploadReportableV1

from leap_reporter.adapters import progress, read_model_state
from leap_reporter.adapters.reach_index import ReachIndex
from leap_reporter.service.handlers import PRODUCER

log = structlog.get_logger()


async def publish(pool: asyncpg.Pool, index: ReachIndex, topic_prefix: str) -> int:
    """Announce the uploads the published figures now include; returns how many."""
    snapshot = index.snapshot
    async with pool.acquire() as conn, conn.transaction():
        version = snapshot.index.version if snapshot else await read_model_state.version(conn)
        rows = await progress.publish_counted(conn, version, datetime.now(UTC))
        for r in rows:  # each upload's event in its own correlation
            outbox = Outbox(conn, producer=PRODUCER, correlation_id=str(r["upload_id"]), topic_prefix=topic_prefix)
            outbox.add(UploadReportableV1(upload_id=r["upload_id"], provider_id=r["provider_id"] or "",
                                          service_code=r["service_code"] or "", records=r["records"],
                                          reportable_at=r["reportable_at"]))
            await outbox.flush()
    if rows:
        log.info("uploads.reportable", uploads=len(rows), version=version)
    return len(rows)


async def keep_publishing(pool: asyncpg.Pool, index: ReachIndex, topic_prefix: str, every: float = 0.25) -> None:
    while True:
        try:
            await publish(pool, index, topic_prefix)
        except Exception as exc:  # any failure (the next round tries again; nothing is marked unless queued)
            log.warning("uploads.reportable_failed", error=type(exc).__name__)
        await asyncio.sleep(every)
