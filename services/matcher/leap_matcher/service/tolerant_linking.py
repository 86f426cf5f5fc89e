"""Tolerant linkage in the matcher (issue 18): one transaction per call, beside the exact records path.

Each pseudonymised chunk's records are stored with their evidence; the region they touch is
re-partitioned (leap_matcher.domain.tolerant) and its clusters, fuzzy links and pending review items
replaced. A reviewer's answer is audited (allowed or refused) and re-partitions the pair's region.
Tolerant linking is serialised by one advisory lock, so 1-3 matcher instances give the same result
as one (the partition depends on the set of records only). In the same transaction, the records whose
tolerant individual changed go to the outbox (``TolerantRecordsRelinkedV1``, versioned) and the quality
figures are marked out of date.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from leap_contracts.delivery import outbox
from leap_contracts.events import PseudonymisedRecord, RecordsPseudonymisedV1
from leap_matcher.adapters import tolerant_refs
from leap_matcher.adapters import tolerant_store as store
from leap_matcher.service.tolerant_events import relinked
from leap_matcher.domain.tolerant import TolerantRecord, TolerantSettings, partition
from leap_matcher.domain.tolerant.review import ReviewPolicy, ReviewRefused, decide

IDENTITY = ("nhs_number", "email", "mobile", "provider_record_id")


def tolerant_record(upload_id: uuid.UUID, service_code: str, record: PseudonymisedRecord) -> TolerantRecord:
    """A pseudonymised record as tolerant linkage reads it; during a key rotation the previous keys' tokens
    count too (identity tokens, child keys and match keys alike)."""
    sets = [record.tokens, *(keyed.tokens for keyed in record.linking_tokens)]
    tokens = {t for s in sets for t in (getattr(s, k) for k in IDENTITY) if t}
    nhs = {s.nhs_number for s in sets if s.nhs_number}
    carers = {t for t in (record.carer_tokens.email, record.carer_tokens.mobile) if t}
    keys: dict[str, set[str]] = {}
    for identifiers, made in ((record.tokens, record.match_keys),
                              *((keyed.tokens, keyed.match_keys) for keyed in record.linking_tokens)):
        for name, token in ((made.model_dump() if made else {}) | {"child_key": identifiers.child_key}).items():
            if token:
                keys.setdefault(name, set()).add(token)
    return TolerantRecord(
        id=f"{upload_id}:{record.row_number}", tokens=frozenset(tokens), nhs=frozenset(nhs), carers=frozenset(carers),
        match_keys={name: frozenset(tokens) for name, tokens in keys.items()}, service=service_code,
        beneficiary_type=record.beneficiary_type,
        gender=record.gender if record.gender in ("female", "male", "other") else None, ward=record.ward_code,
        ethnicity=record.ethnicity, first_language=record.first_language)


@dataclass(frozen=True)
class Publish:
    """Where the relinked records go: the deployment's topic prefix and the message's correlation id."""
    topic_prefix: str = ""
    correlation_id: str = "tolerant-linking"


async def _relink(conn: asyncpg.Connection, start: list[str], settings: TolerantSettings, cause: uuid.UUID,
                  publish: Publish) -> int:
    region = await store.region(conn, start)
    records = await store.load(conn, region)
    result = partition(records, settings, await store.decisions(conn, region))
    moved = await store.save_partition(conn, sorted(region), result)
    assignments = await tolerant_refs.assign(conn, moved)
    await outbox.add(conn, relinked(publish.topic_prefix, cause, assignments, publish.correlation_id))
    await tolerant_refs.changed(conn)
    return len(region)


async def link_chunk(pool: asyncpg.Pool, event: RecordsPseudonymisedV1, settings: TolerantSettings,
                     publish: Publish = Publish()) -> int:
    """Store the chunk's records and re-partition what they touch; the region's size."""
    records = [(tolerant_record(event.upload_id, event.service_code, r), r.attended) for r in event.records]
    months = {f"{event.upload_id}:{r.row_number}": r.birth_month for r in event.records}
    async with pool.acquire() as conn, conn.transaction():
        await store.lock(conn)
        new = await store.save_records(conn, event.upload_id, event.service_code, records, event.provider_id, months)
        return await _relink(conn, new, settings, event.upload_id, publish) if new else 0


async def withdraw_upload(pool: asyncpg.Pool, upload_id: uuid.UUID, settings: TolerantSettings,
                          publish: Publish = Publish()) -> int:
    async with pool.acquire() as conn, conn.transaction():
        await store.lock(conn)
        ids = await conn.fetch("SELECT record_id FROM tolerant_record WHERE upload_id = $1", upload_id)
        region = await store.region(conn, [r[0] for r in ids])
        gone = set(await store.delete_upload(conn, upload_id))
        await conn.execute("DELETE FROM fuzzy_link WHERE a = ANY($1::text[]) OR b = ANY($1::text[])", list(gone))
        await conn.execute("DELETE FROM review_item WHERE state = 'pending' AND (a = ANY($1::text[]) "
                           "OR b = ANY($1::text[]))", list(gone))
        rest = sorted(region - gone)
        if gone:
            await tolerant_refs.changed(conn)
        return await _relink(conn, rest, settings, upload_id, publish) if rest else 0


async def answer_review(pool: asyncpg.Pool, review_id: int, *, actor: str, role: str | None, accept: bool,
                        reason: str, policy: ReviewPolicy, settings: TolerantSettings,
                        publish: Publish = Publish()) -> str:
    """'accepted' or 'rejected', or the refusal's code (not_found, not_allowed, already_decided,
    reason_missing); every attempt on an existing item is audited in the same transaction."""
    action = "accept" if accept else "reject"
    async with pool.acquire() as conn, conn.transaction():
        await store.lock(conn)
        item = await store.review_for_update(conn, review_id)
        if item is None:
            return "not_found"
        try:
            state = decide(item["state"], role, accept, reason, policy)
        except ReviewRefused as refused:
            await store.audit(conn, review_id, actor, role, action, reason, refused.code)
            return refused.code
        await store.set_state(conn, review_id, state)
        await store.audit(conn, review_id, actor, role, action, reason, state)
        await _relink(conn, [item["a"], item["b"]], settings, uuid.UUID(item["a"].rpartition(":")[0]), publish)
        return state
