"""Ops command: rebuild the reporter's read model from the beginning of every topic.

    # stop the reporter, then (REPORTER_DATABASE_URL set, as for the service):
    python -m leap_reporter.cli.rebuild            # asks for confirmation
    python -m leap_reporter.cli.rebuild --yes      # no question (scripts)
    # start the reporter again

How it works, and why this way. The read model holds nothing but what the
events say, so it can always be thrown away and rebuilt. In ONE database
transaction the command

1. truncates the read-model tables (``engagement``, ``ward``, ``individual_alias``,
   ``upload_quality``, ``match_outcome``, ``relationship``, ``upload_finding``), their history
   (``engagement_ended``, ``engagement_ref_change``, ``individual_alias_change``, ``upload_ended``,
   ``read_model_version_log``, ``relationship_ended``: it starts again with the replay, docs/funder-returns.md) and the
   ``inbox``, bumps ``read_model_state.version`` (so the in-memory reach index is dropped), and
2. stores a fresh consumer group id, ``leap-reporter-rebuild-<UTC timestamp>``,
   in ``consumer_state``.

At start the reporter reads its group id from ``consumer_state``. Kafka has no
offsets for a new group, and the consumers use ``auto_offset_reset="earliest"``,
so after the restart every topic is consumed again from its first message into
the empty tables.

Nothing here talks to Kafka, so there is no window in which the tables and the
offsets disagree: either both changed (the transaction committed) or neither.
Stop the reporter first, or restart it straight after: a running instance keeps
consuming with the old group until it restarts. The old group's committed
offsets are simply abandoned (Kafka expires them after
``offsets.retention.minutes``); lag dashboards must follow the group id that
``/health/ready`` reports.

Topics only hold what their retention keeps: a rebuild is complete only while
the topics retain every event since the platform started. The local broker's
default is 7 days (``log.retention.hours=168`` in deploy/local/kafka), so the
reporter's three topics need ``retention.ms=-1`` (or compaction) before a
rebuild can be trusted beyond a week.

``dead_letter`` is kept (it is the history of failures); a message that
failed before fails again on replay and is recorded again.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime

from leap_reporter.adapters import consumer_state, database
from leap_reporter.settings import Settings


def new_group_id(now: datetime | None = None) -> str:
    return f"leap-reporter-rebuild-{(now or datetime.now(UTC)):%Y%m%dT%H%M%S%fZ}"


async def rebuild(database_url: str, group_id: str | None = None) -> tuple[str, str]:
    """Reset the read model; returns (old group id, new group id)."""
    pool = await database.create_pool(database_url)
    try:
        await database.migrate(pool)
        async with pool.acquire() as conn:
            old = await consumer_state.group_id(conn)
            new = group_id or new_group_id()
            await consumer_state.reset(conn, new)
            return old, new
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Empty the reporter's read model and re-consume every topic.")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    args = parser.parse_args()
    if not args.yes and input("Empty the reporter's read model and rebuild it from Kafka? [y/N] ").lower() != "y":
        raise SystemExit("nothing changed")
    old, new = asyncio.run(rebuild(Settings().database_url.get_secret_value()))
    print(f"read model emptied; consumer group {old} -> {new}. Restart the reporter to re-consume every topic.")


if __name__ == "__main__":
    main()
