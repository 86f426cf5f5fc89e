"""SQL of tolerant linkage: records' evidence, the region a change touches, the partition's results,
the review queue and its audit. Tokens are stored as bytes and handed to the domain as hex."""

from __future__ import annotations

import json
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Sequence

import asyncpg

from leap_matcher.domain.tolerant import Partition, TolerantRecord

LOCK = 0x1EA918  # one advisory lock: tolerant linking is serialised across matcher instances


async def lock(conn: asyncpg.Connection) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock($1)", LOCK)


async def save_records(conn: asyncpg.Connection, upload_id: uuid.UUID, service_code: str,
                       records: Sequence[tuple[TolerantRecord, bool]], provider_id: str | None = None,
                       birth_months: dict[str, str | None] | None = None) -> list[str]:
    """Store (record, attended) pairs not stored yet (a redelivered chunk stores nothing); the ids stored.
    ``birth_months``: record id -> YYYY-MM (for the data-quality figures only)."""
    months = birth_months or {}
    known = {r[0] for r in await conn.fetch("SELECT record_id FROM tolerant_record WHERE record_id = ANY($1::text[])",
                                             [r.id for r, _ in records])}
    new = [(r, attended) for r, attended in records if r.id not in known]
    await conn.copy_records_to_table(
        "tolerant_record", columns=["record_id", "upload_id", "service_code", "beneficiary_type", "attended", "gender",
                                    "ward_code", "tokens", "nhs", "carers", "match_keys", "provider_id", "birth_month",
                                    "ethnicity", "first_language"],
        records=[(r.id, upload_id, service_code, r.beneficiary_type, attended, r.gender, r.ward, _bytes(r.tokens),
                  _bytes(r.nhs), _bytes(r.carers), _keys_json(r), provider_id,
                  months.get(r.id), r.ethnicity, r.first_language) for r, attended in new])
    await conn.copy_records_to_table(
        "tolerant_token", columns=["token", "record_id"],
        records=[(bytes.fromhex(t), r.id) for r, _ in new
                 for t in sorted({*r.tokens, *(t for _, t in r.key_tokens()), *r.carers})])
    return sorted(r.id for r, _ in new)


def _keys_json(record: TolerantRecord) -> str:
    keys: dict[str, list[str]] = {}
    for name, token in record.key_tokens():
        keys.setdefault(name, []).append(token)
    return json.dumps(keys, sort_keys=True)


def _bytes(tokens: Iterable[str]) -> list[bytes]:
    return [bytes.fromhex(t) for t in sorted(tokens)]


async def region(conn: asyncpg.Connection, start: Iterable[str]) -> set[str]:
    """Every record reachable from ``start`` through shared tokens or reviewers' answers. Breadth first over
    records and tokens alike, so each token's holders are read once and each record's tokens once (a token
    many records hold is not expanded again for every one of them)."""
    seen, seen_tokens = set(start), set()
    frontier = list(seen)
    while frontier:
        tokens = [r[0] for r in await conn.fetch(
            "SELECT DISTINCT token FROM tolerant_token WHERE record_id = ANY($1::text[])", frontier)
            if r[0] not in seen_tokens]
        seen_tokens.update(tokens)
        rows = await conn.fetch(
            """SELECT DISTINCT record_id FROM tolerant_token WHERE token = ANY($1::bytea[])
               UNION
               SELECT CASE WHEN a = ANY($2::text[]) THEN b ELSE a END FROM review_item
               WHERE state <> 'pending' AND (a = ANY($2::text[]) OR b = ANY($2::text[]))""", tokens, frontier)
        frontier = [r[0] for r in rows if r[0] not in seen]
        seen.update(frontier)
    return seen


_LOADED: OrderedDict[tuple[str, str], TolerantRecord] = OrderedDict()
LOADED_MAX = 20_000
"""Records already read, by (record id, row version): a record's evidence never changes once stored, and any
write of its row (its cluster, a truncate and a new row) gives a new version, so an entry is never stale. Each
chunk re-partitions its whole region; this reads only the records not read since (most of a region is)."""


async def load(conn: asyncpg.Connection, record_ids: Iterable[str]) -> list[TolerantRecord]:
    versions = await conn.fetch("SELECT record_id, xmin::text AS v FROM tolerant_record "
                                "WHERE record_id = ANY($1::text[])", list(record_ids))
    keys = [(r["record_id"], r["v"]) for r in versions]
    missing = [record_id for record_id, v in keys if (record_id, v) not in _LOADED]
    rows = await conn.fetch(
        "SELECT record_id, xmin::text AS v, service_code, beneficiary_type, gender, ward_code, tokens, nhs, carers, "
        "match_keys, ethnicity, first_language FROM tolerant_record WHERE record_id = ANY($1::text[])",
        missing) if missing else []
    for r in rows:
        _LOADED[(r["record_id"], r["v"])] = TolerantRecord(
            id=r["record_id"], tokens=frozenset(t.hex() for t in r["tokens"]), nhs=frozenset(t.hex() for t in r["nhs"]),
            carers=frozenset(t.hex() for t in r["carers"]),
            match_keys={k: frozenset(v) for k, v in json.loads(r["match_keys"]).items()}, service=r["service_code"],
            beneficiary_type=r["beneficiary_type"], gender=r["gender"], ward=r["ward_code"], ethnicity=r["ethnicity"],
            first_language=r["first_language"])
    found = []
    for key in keys:
        record = _LOADED.get(key)
        if record is None:  # its row changed between the two reads (not under the linking lock): read it again
            return await load(conn, [k for k, _ in keys])
        _LOADED.move_to_end(key)
        found.append(record)
    while len(_LOADED) > LOADED_MAX:
        _LOADED.popitem(last=False)
    return found


async def decisions(conn: asyncpg.Connection, record_ids: Iterable[str]) -> dict[tuple[str, str], bool]:
    rows = await conn.fetch("SELECT a, b, state FROM review_item WHERE state <> 'pending' "
                            "AND (a = ANY($1::text[]) OR b = ANY($1::text[]))", list(record_ids))
    return {(r["a"], r["b"]): r["state"] == "accepted" for r in rows}


async def save_partition(conn: asyncpg.Connection, region_ids: Sequence[str],
                         result: Partition) -> list[tuple[str, str]]:
    """Replace the region's clusters, fuzzy links and pending review items (answered items stay); the
    (record id, label) of every record whose tolerant individual changed."""
    ids = list(region_ids)
    moved = await conn.fetch(
        "UPDATE tolerant_record t SET cluster = c.cluster FROM unnest($1::text[], $2::text[]) AS c(id, cluster) "
        "WHERE t.record_id = c.id AND t.cluster IS DISTINCT FROM c.cluster RETURNING t.record_id, t.cluster",
        list(result.cluster_of), list(result.cluster_of.values()))
    await conn.execute("DELETE FROM fuzzy_link WHERE a = ANY($1::text[]) OR b = ANY($1::text[])", ids)
    await conn.executemany("INSERT INTO fuzzy_link (a, b, score, pattern) VALUES ($1, $2, $3, $4)",
                           [(link.a, link.b, link.score, json.dumps(dict(link.pattern))) for link in result.links])
    wanted = {(link.a, link.b): link for link in result.review}
    await conn.execute(
        "DELETE FROM review_item WHERE state = 'pending' AND (a = ANY($1::text[]) OR b = ANY($1::text[])) "
        "AND NOT (a, b) IN (SELECT * FROM unnest($2::text[], $3::text[]))",
        ids, [a for a, _ in wanted], [b for _, b in wanted])
    await conn.executemany(
        "INSERT INTO review_item (a, b, score, pattern) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (a, b) DO UPDATE SET score = excluded.score, pattern = excluded.pattern "
        "WHERE review_item.state = 'pending'",
        [(link.a, link.b, link.score, json.dumps(dict(link.pattern))) for link in wanted.values()])
    return sorted((r[0], r[1]) for r in moved)


async def delete_upload(conn: asyncpg.Connection, upload_id: uuid.UUID) -> list[str]:
    rows = await conn.fetch("DELETE FROM tolerant_record WHERE upload_id = $1 RETURNING record_id", upload_id)
    ids = [r[0] for r in rows]
    await conn.execute("DELETE FROM tolerant_token WHERE record_id = ANY($1::text[])", ids)
    return ids


async def review_for_update(conn: asyncpg.Connection, review_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT id, a, b, state FROM review_item WHERE id = $1 FOR UPDATE", review_id)


async def set_state(conn: asyncpg.Connection, review_id: int, state: str) -> None:
    await conn.execute("UPDATE review_item SET state = $2 WHERE id = $1", review_id, state)


async def audit(conn: asyncpg.Connection, review_id: int, actor: str, role: str | None, action: str,
                reason: str, outcome: str) -> None:
    await conn.execute("INSERT INTO review_audit (review_id, actor, role, action, reason, outcome) "
                       "VALUES ($1, $2, $3, $4, $5, $6)", review_id, actor, role, action, reason[:500], outcome)


async def pending_reviews(conn: asyncpg.Connection, limit: int = 100) -> list[dict]:
    rows = await conn.fetch(
        "SELECT i.id, i.score, i.pattern, ra.service_code AS service_a, rb.service_code AS service_b "
        "FROM review_item i JOIN tolerant_record ra ON ra.record_id = i.a JOIN tolerant_record rb ON rb.record_id = i.b "
        "WHERE i.state = 'pending' ORDER BY i.score DESC, i.id LIMIT $1", limit)
    return [{"id": r["id"], "score": r["score"], "pattern": json.loads(r["pattern"]),
             "services": [r["service_a"], r["service_b"]]} for r in rows]


async def tolerant_reach(conn: asyncpg.Connection) -> int:
    """Individuals with an attended record under tolerant linkage."""
    return await conn.fetchval("SELECT count(DISTINCT cluster) FILTER (WHERE attended) FROM tolerant_record")


async def explain(conn: asyncpg.Connection, individual: int) -> dict | None:
    """The tolerant individual an exact individual belongs to: how many records and exact individuals it
    joins, and the fuzzy links (score, agreement pattern) that join them; never a token or record id."""
    cluster = await conn.fetchval(
        "SELECT t.cluster FROM record r JOIN tolerant_record t ON t.record_id = r.upload_id::text || ':' || r.row_number "
        "WHERE r.individual_id = (SELECT coalesce(merged_into, id) FROM individual WHERE id = $1) LIMIT 1", individual)
    if cluster is None:
        return None
    members = await conn.fetch(
        "SELECT t.record_id, r.individual_id FROM tolerant_record t LEFT JOIN record r "
        "ON t.record_id = r.upload_id::text || ':' || r.row_number WHERE t.cluster = $1", cluster)
    ids = [m["record_id"] for m in members]
    links = await conn.fetch("SELECT score, pattern FROM fuzzy_link WHERE a = ANY($1::text[]) AND b = ANY($1::text[]) "
                             "ORDER BY score DESC", ids)
    return {"records": len(members), "exact_individuals": len({m["individual_id"] for m in members}),
            "fuzzy_links": [{"score": round(link["score"], 2), "pattern": json.loads(link["pattern"])}
                            for link in links]}
