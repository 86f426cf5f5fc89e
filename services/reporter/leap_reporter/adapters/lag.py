"""How far the reporter's consumer group is behind the end of the topics it reads (part of the watermark).

An event published but not yet applied (an upload just received, a withdrawal asked for) means the figures
are not current, even when every upload the reporter knows of is counted. ``LagWatch`` compares the group's
committed offsets with the topics' end offsets every ``every`` seconds. Offsets are committed only after the
handler's transaction commits, so a lag of 0 means every event published before the check is applied.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from leap_contracts.kafka_auth import client_options
from leap_contracts.topics import Topic

log = structlog.get_logger()


@dataclass
class LagWatch:
    bootstrap: str
    group_id: str
    partitions: tuple[TopicPartition, ...]
    """Every partition of the topics the group reads (their counts are part of the contract)."""
    every: float = 0.5
    behind: int | None = None
    """Events published and not yet applied, at ``checked_at``; None until the first check."""
    checked_at: datetime | None = None
    caught_up_at: datetime | None = None
    """The start of the last check that found nothing behind: every event published before it is applied."""
    applied: dict[str, int] | None = None
    """At the last check: per partition (``topic[partition]``), the offset up to which every event is applied
    (the group's committed offset). A published return records it: which events its figures include."""

    @classmethod
    def of(cls, bootstrap: str, group_id: str, topics: list[Topic], prefix: str) -> LagWatch:
        return cls(bootstrap, group_id, tuple(TopicPartition(t.full_name(prefix), p)
                                              for t in topics for p in range(t.partitions)))

    @property
    def caught_up(self) -> bool:
        return self.behind == 0

    async def run(self) -> None:
        """Check until cancelled; a failed check (broker away) counts as behind and is tried again."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, **client_options())
        ends = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False, **client_options())
        started = False
        try:
            while True:
                try:
                    if not started:
                        await admin.start()
                        await ends.start()
                        started = True
                    await self.check(admin, ends)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # any failure (unknown lag is reported as behind, never as current)
                    self.behind = None
                    log.warning("reporter.lag_check_failed", error=type(exc).__name__)
                await asyncio.sleep(self.every)
        finally:
            if started:
                await asyncio.gather(admin.close(), ends.stop(), return_exceptions=True)

    async def check(self, admin: AIOKafkaAdminClient, ends: AIOKafkaConsumer) -> None:
        started = datetime.now(UTC)
        partitions = list(self.partitions)
        end = await ends.end_offsets(partitions)
        committed = await admin.list_consumer_group_offsets(self.group_id, partitions=partitions)
        applied = {tp: committed[tp].offset if tp in committed and committed[tp].offset >= 0 else 0 for tp in partitions}
        behind = sum(max(0, end[tp] - applied[tp]) for tp in partitions)
        self.behind, self.checked_at = behind, started
        self.applied = {f"{tp.topic}[{tp.partition}]": offset for tp, offset in applied.items()}
        if behind == 0:
            self.caught_up_at = started

