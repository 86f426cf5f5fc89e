"""Apply one chunk of pseudonymised records inside the caller's transaction (set-based).

Steps: look up every token at once; update junk statistics and quarantine tokens that now tie
too many people together; resolve the chunk's components; lock the touched individuals in id
order and check nothing moved meanwhile; create, merge, insert; split individuals a new junk
token held together; link children to carers; enrich attributes; queue the events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg

from leap_matcher.adapters import individuals, relationships
from leap_matcher.adapters.consumer import PoisonMessage
from leap_matcher.adapters.recompute import Outcome, recompute
from leap_matcher.domain.enrichment import combine_records
from leap_matcher.domain.junk import JunkRule, chunk_stats
from leap_matcher.domain.resolution import Component, resolve

CARER_TYPES = ("email", "mobile")


class ConcurrentChange(Exception):
    """Another instance changed an individual this chunk touches; start the chunk again."""


@dataclass
class Quarantined:
    id_type: str
    records: int
    birth_months: int
    providers: int
    individual_ids: list[int]


@dataclass
class ChunkResult:
    event: dict
    """The chunk's RecordsPseudonymisedV1 payload, validated as plain dicts (``leap_contracts.plain``)."""
    records: list[dict]
    components: list[Component]
    owner: list[int]
    individual_of: dict[int, int]
    token_type: dict[bytes, str]
    links: list[tuple[int, int, list[str]]] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    recomputed: Outcome = field(default_factory=Outcome)


def _tokens(record: dict, field: str = "tokens") -> list[tuple[bytes, str]]:
    """The record's identifier tokens and, during a key rotation, the same identifiers' tokens under
    the previous keys, so records tokenised before the rotation join it (tokens of different keys never collide)."""
    found = [(bytes.fromhex(v), k) for k, v in record.get(field, {}).items() if v]
    for linking in record.get("linking_tokens") or ():
        found += [(bytes.fromhex(v), k) for k, v in linking.get(field, {}).items() if v]
    return found


def _carer_tokens(record: dict) -> list[tuple[bytes, str]]:
    return _tokens(record, "carer_tokens")


async def apply_chunk(conn: asyncpg.Connection, event: dict, junk: JunkRule) -> ChunkResult | None:
    """``event``: a RecordsPseudonymisedV1 payload as plain dicts (``leap_contracts.plain.open_plain``)."""
    upload_id = event["upload_id"]
    await individuals.hold_upload(conn, upload_id, exclusive=False)
    if await individuals.is_withdrawn(conn, upload_id):
        return None  # a late chunk of a withdrawn upload: its records must not come back
    done = await individuals.applied_rows(conn, upload_id, [r["row_number"] for r in event["records"]])
    records = [r for r in event["records"] if r["row_number"] not in done] if done else event["records"]
    if not records:
        return None
    typed = [_tokens(r) for r in records]
    if any(not t for t in typed):
        raise PoisonMessage("a record carries no identifier token")
    carers = [_carer_tokens(r) for r in records]
    token_type = {token: kind for tokens in typed for token, kind in tokens}
    token_lists = [[t for t, _ in tokens] for tokens in typed]
    provider, service = event["provider_id"], event["service_code"]
    stats = chunk_stats([(tokens, r.get("birth_month")) for tokens, r in zip(token_lists, records)], provider)
    record_rows = [[upload_id, r["row_number"], None, provider, service, r["beneficiary_type"], r["engagement_date"],
                    token_lists[i], r.get("birth_month"), r.get("gender"), r.get("ward_code"), r.get("ethnicity"),
                    r.get("first_language"), r.get("engagement_type"), r.get("attended", True)]
                   for i, r in enumerate(records)]  # individual_id (index 2) once resolved
    await individuals.add_carer_tokens(conn, (
        (t, kind, upload_id, r["row_number"]) for r, c in zip(records, carers) for t, kind in c))
    # From here to commit, chunks sharing a carer's e-mail/mobile wait for each other: what needs no
    # database state, and the carer tokens (which nothing else locks), is done above, outside that section.
    await individuals.lock_tokens(conn, [t for c in carers for t, _ in c] +
                                  [t for t, k in token_type.items() if k in CARER_TYPES])
    known = await individuals.lookup(conn, list(token_type))

    # Junk statistics: distinct providers and birth months per token, stored and from this chunk.
    stat_updates, new_junk = [], set()
    for token, s in stats.items():
        k = known.get(token)
        if k is not None:
            if k.quarantined:
                continue
            s.providers |= set(k.providers)
            s.birth_months |= set(k.birth_months)
            if s.providers == set(k.providers) and s.birth_months == set(k.birth_months):
                continue
        if junk.is_junk(s.birth_months, s.providers):
            new_junk.add(token)
        if k is not None:
            stat_updates.append((token, sorted(s.providers), sorted(s.birth_months), token in new_junk))
    excluded = new_junk | {t for t, k in known.items() if k.quarantined}

    linking = [[t for t in tokens if t not in excluded] for tokens in token_lists] if excluded else token_lists
    components = resolve(linking, {t: k.individual_id for t, k in known.items() if t not in excluded})
    held_by_junk = {known[t].individual_id for t in new_junk if t in known}
    attributes = await individuals.lock(conn, sorted(set().union(held_by_junk, *(c.known for c in components))))
    # Tokens new to this chunk need no re-check: the unique index refuses them if another instance took them.
    if attributes is None or await individuals.lookup(conn, list(known)) != known:
        raise ConcurrentChange("an individual changed meanwhile")

    upload = str(upload_id)
    enriched = [combine_records([attributes[k] for k in sorted(c.known)], [records[i] for i in c.records], upload)
                for c in components]
    new_ids = iter(await individuals.create(conn, [a for c, a in zip(components, enriched) if not c.known]))
    owner = [c.survivor if c.known else next(new_ids) for c in components]
    merges = {m: c.survivor for c in components for m in c.merged}
    await individuals.merge(conn, list(merges), list(merges.values()))
    await individuals.update_token_stats(conn, stat_updates)
    individual_of = {i: owner[n] for n, c in enumerate(components) for i in c.records}
    new_tokens = {t: individual_of[i] for i, tokens in enumerate(typed) for t, _ in tokens if t not in known}
    await individuals.add_identifiers(conn, (
        (t, token_type[t], None if t in new_junk else o, sorted(stats[t].providers),
         sorted(stats[t].birth_months), t in new_junk) for t, o in new_tokens.items()))
    for i, row in enumerate(record_rows):
        row[2] = individual_of[i]
    await individuals.add_records(conn, record_rows)
    await individuals.set_attributes(conn, {o: a for c, o, a in zip(components, owner, enriched)
                                            if c.known and a != attributes[o]})

    result = ChunkResult(event, records, components, owner, individual_of, token_type)
    if new_junk:
        await _quarantine(conn, result, new_junk, stats, {merges.get(i, i) for i in held_by_junk})
    result.links = await relationships.link(
        conn, ((result.individual_of[i], t, kind) for i, c in enumerate(carers) for t, kind in c),
        [t for t in new_tokens if token_type[t] in CARER_TYPES])
    return result


async def _quarantine(conn: asyncpg.Connection, result: ChunkResult, new_junk: set[bytes], stats: dict,
                      held: set[int]) -> None:
    """Split what the new junk tokens held together; the chunk's records may move to new parts."""
    chunk_owners = {result.individual_of[i] for i, r in enumerate(result.records)}
    scope = sorted(held | chunk_owners)
    await individuals.lock_carer_tokens_of(conn, sorted(held))  # the split below moves them (see withdrawal)
    for token in sorted(new_junk):
        count, holders = await conn.fetchrow(
            "SELECT count(*), coalesce(array_agg(DISTINCT individual_id ORDER BY individual_id), '{}') FROM record "
            "WHERE individual_id = ANY($1::bigint[]) AND $2::bytea = ANY(tokens)", scope, token)
        result.quarantined.append(Quarantined(result.token_type[token], count, len(stats[token].birth_months),
                                              len(stats[token].providers), list(holders)))
    result.recomputed = await recompute(conn, sorted(held))
    if result.recomputed.splits:
        rows = await conn.fetch("SELECT row_number, individual_id FROM record WHERE upload_id = $1 "
                                "AND row_number = ANY($2::int[])", result.event["upload_id"],
                                [r["row_number"] for r in result.records])
        now = {r["row_number"]: r["individual_id"] for r in rows}
        result.individual_of = {i: now[r["row_number"]] for i, r in enumerate(result.records)}
