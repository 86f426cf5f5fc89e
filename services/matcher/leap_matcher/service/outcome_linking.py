"""An outcome upload's chunk: link each record to the individual its tokens name, inside the caller's
transaction, and say so with OutcomesLinkedV1. Nothing about individuals changes (no individual, token,
record or merge is written), so no reach, engagement or quality figure can move. Each record's link is kept
(``outcome_link``) so that later service chunks and withdrawals link it again (``outcome_relinking``); the chunk
itself (``outcome_chunk``) so that ``relink`` can publish it whole again (``python -m leap_matcher.cli.relink_outcomes``)."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import orjson

from leap_contracts.delivery.outbox import Outbox
from leap_contracts.events import OutcomesLinkedV1
from leap_contracts.delivery.consumer import PoisonMessage

from leap_matcher.adapters import outcome_links_sql, outcome_tokens, stored_records
from leap_matcher.domain.identity import reference
from leap_matcher.domain.outcome_links import BRIDGES, link, linking_tokens


async def link_outcome_chunk(conn: asyncpg.Connection, outbox: Outbox, event: Any) -> None:
    """``event``: a RecordsPseudonymisedV1 payload (plain Struct) of dataset outcomes."""
    await stored_records.hold_upload(conn, event.upload_id, exclusive=False)
    if await stored_records.is_withdrawn(conn, event.upload_id):
        return  # a late chunk of a withdrawn extract: nothing of it may count
    await outcome_links_sql.hold(conn, exclusive=True)  # reads the index as no relinking is changing it
    records, tokens = [], []
    for r in event.records:
        if r.outcome is None:
            raise PoisonMessage(f"row {r.row_number} of an outcome upload carries no outcome")
        o = r.outcome
        records.append({"row_number": r.row_number, "subject_ref": _subject(r),
                        "outcome": {"measure": o.measure, "measured_on": o.measured_on.isoformat(),
                                    "result": o.result, "positive": o.positive},
                        "birth_month": r.birth_month, "gender": r.gender, "ward_code": r.ward_code,
                        "ward_name": r.ward_name, "findings": list(r.findings)})
        tokens.append([t.hex() for t in linking_tokens(r)])
    await conn.execute(
        """INSERT INTO outcome_chunk (upload_id, chunk_index, provider_id, source_code, records, tokens)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)
           ON CONFLICT (upload_id, chunk_index) DO UPDATE SET records = excluded.records, tokens = excluded.tokens""",
        event.upload_id, event.chunk_index, event.provider_id, event.service_code,
        orjson.dumps(records).decode(), orjson.dumps(tokens).decode())
    await _linked(conn, outbox, event.upload_id, event.provider_id, event.service_code, event.chunk_index, records,
                  tokens)


async def relink(conn: asyncpg.Connection, outbox: Outbox, upload_id: uuid.UUID, chunk_index: int) -> int:
    """The chunk's links worked out again against today's individuals (its OutcomesLinkedV1 once more); how many
    events it queued (none: the extract was withdrawn, or the chunk is not stored)."""
    await stored_records.hold_upload(conn, upload_id, exclusive=False)
    if await stored_records.is_withdrawn(conn, upload_id):
        await outcome_links_sql.forget(conn, upload_id)
        return 0
    await outcome_links_sql.hold(conn, exclusive=True)
    row = await conn.fetchrow("SELECT provider_id, source_code, records::text, tokens::text FROM outcome_chunk "
                              "WHERE upload_id = $1 AND chunk_index = $2", upload_id, chunk_index)
    if row is None:
        return 0
    await _linked(conn, outbox, upload_id, row["provider_id"], row["source_code"], chunk_index,
                  orjson.loads(row["records"]), orjson.loads(row["tokens"]))
    return 1


async def _linked(conn: asyncpg.Connection, outbox: Outbox, upload_id: uuid.UUID, provider_id: str, source: str,
                  chunk_index: int, records: list[dict[str, Any]], tokens: list[list[str]]) -> None:
    per_record = [[bytes.fromhex(t) for t in found] for found in tokens]
    owner = await outcome_tokens.owners(conn, [t for found in per_record for t in found])
    out, counts, stored = [], {"linked": 0, "unlinked": 0, "bridging": 0}, []
    for record, found_tokens in zip(records, per_record, strict=True):
        found = link(found_tokens, owner)
        counts["bridging" if found.finding == BRIDGES else "linked" if found.individual_id else "unlinked"] += 1
        stored.append((record["row_number"], found_tokens, list(found.owners), found.individual_id, found.bridges))
        out.append({**record,
                    "individual_ref": reference(found.individual_id) if found.individual_id else None,
                    "findings": [*record["findings"], found.finding] if found.finding else record["findings"]})
    await outcome_links_sql.store(conn, upload_id, chunk_index, stored)
    payload = {"upload_id": str(upload_id), "provider_id": provider_id, "source_code": source,
               "chunk_index": chunk_index, "records": out, **counts}
    outbox.add_payload(OutcomesLinkedV1, payload)


def _subject(record) -> str | None:
    """The record's provider record token, shortened: the records of one child in one extract share it (so the
    reporter can tell one child's review), and it names no one."""
    token = record.tokens.provider_record_id
    return token[:32] if token else None
