"""Example downstream consumer of the matcher's public events (beneficiaries.events.v2 and
matching.records-matched.v1): keeps a tiny in-memory picture of individuals. No tokens, no PII.

    .state/venv/bin/python services/matcher/examples/consumer.py --bootstrap 127.0.0.1:19092 [--prefix P]

Rules a real consumer follows: dedupe on envelope.event_id (store it with your state, in one
transaction); commit the offset after your transaction; ignore event types you do not know.
"""

from __future__ import annotations

import argparse
import asyncio

from aiokafka import AIOKafkaConsumer

from leap_contracts import topics
from leap_contracts.envelope import UnknownEventType, decode, open_envelope
from leap_contracts.events import IndividualsChangedV2, RecordsMatchedV1, RecordsWithdrawnV1


class Picture:
    def __init__(self) -> None:
        self.seen: set = set()
        self.record_owner: dict[tuple[str, int], str] = {}   # (upload, row) -> individual ref
        self.individuals: set[str] = set()
        self.merged_into: dict[str, str] = {}
        self.carers: dict[str, set[str]] = {}

    def live(self, ref: str) -> str:
        while ref in self.merged_into:
            ref = self.merged_into[ref]
        return ref

    def apply(self, event) -> None:
        match event:
            case RecordsMatchedV1():  # the records; their changes come on beneficiaries.events.v2
                for r in event.records:
                    self.record_owner[(str(event.upload_id), r.row_number)] = r.individual_ref
            case RecordsWithdrawnV1():
                for key in [k for k in self.record_owner if k[0] == str(event.upload_id)]:
                    del self.record_owner[key]
            case IndividualsChangedV2():
                self.individuals.update(m.individual_ref for m in event.matched)
                self._apply_changes(event)

    def _apply_changes(self, event: IndividualsChangedV2) -> None:
        changes = event.changes
        for merge in changes.merged:
            for ref in merge.merged_refs:
                self.merged_into[ref] = merge.survivor_ref
        for q in changes.quarantined:
            print(f"data-quality finding: a {q.identifier_type} joined {q.distinct_birth_months} birth months / "
                  f"{q.distinct_providers} providers; it no longer links (upload {event.upload_id})")
        for split in changes.split:
            for part in split.parts:
                self.individuals.add(part.individual_ref)
                self.merged_into.pop(part.individual_ref, None)  # a part's reference is its own again
                for r in part.records:
                    self.record_owner[(str(r.upload_id), r.row_number)] = part.individual_ref
        for ended in changes.ended:  # refs are live ones; ours may predate a merge
            for child, carers in self.carers.items():
                if self.live(child) == ended.child_ref:
                    carers -= {c for c in carers if self.live(c) == ended.carer_ref}
        for link in changes.linked:
            self.carers.setdefault(link.child_ref, set()).add(link.carer_ref)

    def unique_individuals(self) -> int:
        return len({self.live(ref) for ref in self.record_owner.values()})


async def main(bootstrap: str, prefix: str) -> None:
    consumer = AIOKafkaConsumer(topics.RECORDS_MATCHED.full_name(prefix), topics.BENEFICIARIES_V2.full_name(prefix),
                                bootstrap_servers=bootstrap, group_id=f"{prefix}example-consumer",
                                auto_offset_reset="earliest", enable_auto_commit=False)
    picture = Picture()
    await consumer.start()
    try:
        async for message in consumer:
            envelope = decode(message.value)
            if envelope.event_id in picture.seen:
                continue  # a redelivery
            picture.seen.add(envelope.event_id)
            try:
                picture.apply(open_envelope(envelope))
            except UnknownEventType:
                continue
            await consumer.commit()
            print(f"{envelope.event_type}: {picture.unique_individuals()} unique individuals so far")
    finally:
        await consumer.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default="127.0.0.1:19092")
    parser.add_argument("--prefix", default="")
    args = parser.parse_args()
    asyncio.run(main(args.bootstrap, args.prefix))
