"""What the matcher's repair commands share: the service's settings and database (migrated), one job that queues
events through the outbox the running matcher relays, and a line saying how many."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

import asyncpg

from leap_contracts.delivery import logs

from leap_matcher.adapters import database
from leap_matcher.settings import Settings

Job = Callable[[asyncpg.Pool, str], Awaitable[int]]
"""(pool, topic prefix) -> how many it queued."""


async def _run(job: Job, queued_what: str) -> int:
    settings = Settings()
    pool = await database.create_pool(settings.database_url.get_secret_value())
    try:
        await database.migrate(pool)
        queued = await job(pool, settings.topic_prefix)
    finally:
        await pool.close()
    print(f"{queued_what}: {queued}", file=sys.stderr)
    return 0


def run_repair(job: Job, queued_what: str) -> int:
    """Run ``job`` once, as ``python -m leap_matcher.<command>`` does; the exit status."""
    logs.configure()
    return asyncio.run(_run(job, queued_what))
