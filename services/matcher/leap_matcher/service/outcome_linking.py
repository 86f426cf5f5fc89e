"""An outcome upload's chunk: link each record to the individual its tokens name, inside the caller's
transaction, and say so with OutcomesLinkedV1. Nothing about individuals changes (no individual, token,
record or merge is written), so no reach, engagement or quality figure can move."""

from __future__ import annotations

from typing import Any

import asyncpg

from leap_contracts import topics
from leap_contracts.envelope import sealed
from leap_contracts.events import OutcomesLinkedV1

from leap_matcher.adapters import individuals, outcome_tokens
from leap_matcher.adapters.consumer import PoisonMessage
from leap_matcher.domain.outcome_links import BRIDGES, link, linking_tokens

PRODUCER = "matcher"


async def link_outcome_chunk(conn: asyncpg.Connection, event: Any, topic_prefix: str,
                             correlation_id: str) -> list[tuple[str, str, bytes]]:
    """``event``: a RecordsPseudonymisedV1 payload (plain Struct) of dataset outcomes."""
    await individuals.hold_upload(conn, event.upload_id, exclusive=False)
    if await individuals.is_withdrawn(conn, event.upload_id):
        return []  # a late chunk of a withdrawn extract: nothing of it may count
    per_record = [linking_tokens(r) for r in event.records]
    owner = await outcome_tokens.owners(conn, [t for tokens in per_record for t in tokens])
    out, counts = [], {"linked": 0, "unlinked": 0, "bridging": 0}
    for r, tokens in zip(event.records, per_record):
        if r.outcome is None:
            raise PoisonMessage(f"row {r.row_number} of an outcome upload carries no outcome")
        found = link(tokens, owner)
        counts["bridging" if found.finding == BRIDGES else "linked" if found.individual_id else "unlinked"] += 1
        o = r.outcome
        out.append({
            "row_number": r.row_number,
            "individual_ref": individuals.reference(found.individual_id) if found.individual_id else None,
            "subject_ref": _subject(r),
            "outcome": {"measure": o.measure, "measured_on": o.measured_on, "result": o.result,
                        "positive": o.positive},
            "birth_month": r.birth_month, "gender": r.gender, "ward_code": r.ward_code, "ward_name": r.ward_name,
            "findings": [*r.findings, found.finding] if found.finding else list(r.findings),
        })
    payload = {"upload_id": str(event.upload_id), "provider_id": event.provider_id,
               "source_code": event.service_code, "chunk_index": event.chunk_index, "records": out, **counts}
    value = sealed(OutcomesLinkedV1, payload, producer=PRODUCER, correlation_id=correlation_id)
    return [(topics.OUTCOMES_LINKED.full_name(topic_prefix), str(event.upload_id), value)]


def _subject(record) -> str | None:
    """The record's provider record token, shortened: the records of one child in one extract share it (so the
    reporter can tell one child's review), and it names no one."""
    token = record.tokens.provider_record_id
    return token[:32] if token else None
