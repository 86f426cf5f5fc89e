"""Apply one chunk of pseudonymised records inside the caller's transaction (set-based).

Steps: look up every token at once; update junk statistics and quarantine tokens that now tie
too many people together; resolve the chunk's components; lock the touched individuals in id
order and check nothing moved meanwhile; create, merge, insert; split individuals a new junk
token held together; link children to carers; enrich attributes; queue the events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg
from msgspec.structs import astuple

from leap_matcher.adapters import individuals, relationships
from leap_matcher.adapters.consumer import PoisonMessage
from leap_matcher.adapters.recompute import Outcome, recompute
from leap_matcher.domain.enrichment import combine_records
from leap_matcher.domain.junk import JunkRule, TokenStats
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
    event: Any
    """The chunk's RecordsPseudonymisedV1 payload, validated as a plain Struct (``leap_contracts.plain``)."""
    records: list[Any]
    components: list[Component]
    owner: list[int]
    individual_of: list[int]
    """The individual of each record (by index into ``records``)."""
    token_type: dict[bytes, str]
    matched: list[dict]
    """``ChunkRecords.matched``."""
    links: list[tuple[int, int, list[str]]] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    recomputed: Outcome = field(default_factory=Outcome)


@dataclass
class ChunkRecords:
    """What the steps need from a chunk's records, read in one pass before any database work."""
    tokens: list[list[bytes]]
    """Per record, its identifier tokens and, during a key rotation, the same identifiers' tokens under
    the previous keys, so records tokenised before the rotation join it (tokens of different keys never collide)."""
    token_type: dict[bytes, str]
    stats: dict[bytes, TokenStats]
    """Per token, the chunk's provider and the birth months its records state."""
    carer_rows: list[tuple[bytes, str, object, int]]
    """(carer token, its type, upload, row) of every child record naming a carer's e-mail/mobile ..."""
    carer_of: list[int]
    """... and the index of that record."""
    record_rows: list[list]
    """Values in ``individuals.RECORD_COLUMNS`` order; the individual (index 2) once resolved."""
    matched: list[dict]
    """Each record's MatchedRecord (for RecordsMatchedV1): its non-identifying fields and the types of
    identifier it carried, never a token; ``individual_ref`` is set once resolved."""


def read_records(event: Any, records: list[Any]) -> ChunkRecords:
    """``event``: a RecordsPseudonymisedV1 payload as a plain Struct (``leap_contracts.plain``), ``records`` its
    records still to apply."""
    fromhex, upload_id, provider = bytes.fromhex, event.upload_id, event.provider_id
    service, providers = event.service_code, {provider}
    read = ChunkRecords([], {}, {}, [], [], [], [])
    token_type, stats, carer_rows, carer_of = read.token_type, read.stats, read.carer_rows, read.carer_of
    for i, r in enumerate(records):
        row_number, month = r.row_number, r.birth_month
        named, carers = [r.tokens], [r.carer_tokens]
        for linking in r.linking_tokens:
            named.append(linking.tokens)
            carers.append(linking.carer_tokens)
        tokens, kinds = [], ()
        for found in named:
            for kind, value in zip(found.__struct_fields__, astuple(found)):
                if value:
                    token = fromhex(value)
                    tokens.append(token)
                    token_type[token] = kind
                    s = stats.get(token)
                    if s is None:
                        s = stats[token] = TokenStats(providers, set())  # shared: the same provider for all
                    if month:
                        s.birth_months.add(month)
            if found is r.tokens:
                kinds = tuple(token_type[t] for t in tokens)
        if not tokens:
            raise PoisonMessage(f"row {row_number} carries no identifier token")
        for found in carers:
            for kind, value in zip(found.__struct_fields__, astuple(found)):
                if value:
                    carer_rows.append((fromhex(value), kind, upload_id, row_number))
                    carer_of.append(i)
        read.tokens.append(tokens)
        read.record_rows.append([upload_id, row_number, None, provider, service, r.beneficiary_type,
                                 r.engagement_date, individuals.packed(tokens), month, r.gender, r.ward_code,
                                 r.ethnicity, r.first_language, r.engagement_type, r.attended])
        read.matched.append({
            "row_number": row_number, "individual_ref": None, "beneficiary_type": r.beneficiary_type,
            "birth_month": month, "gender": r.gender, "ward_code": r.ward_code, "ward_name": r.ward_name,
            "ethnicity": r.ethnicity, "first_language": r.first_language,
            "engagement_date": r.engagement_date,  # a date: orjson writes it as ISO 8601, as the model does
            "engagement_type": r.engagement_type, "attended": r.attended, "findings": r.findings,
            "identifier_types": _sorted_types(kinds)})
    return read


_TYPES: dict[tuple[str, ...], list[str]] = {}


def _sorted_types(kinds: tuple[str, ...]) -> list[str]:
    """The identifier types a record carries, sorted (one shared list per combination: never mutated)."""
    types = _TYPES.get(kinds)
    if types is None:
        types = _TYPES[kinds] = sorted(kinds)
    return types


async def apply_chunk(conn: asyncpg.Connection, event: Any, junk: JunkRule) -> ChunkResult | None:
    """``event``: a RecordsPseudonymisedV1 payload as a plain Struct (``leap_contracts.plain.open_plain``)."""
    upload_id = event.upload_id
    await individuals.hold_upload(conn, upload_id, exclusive=False)
    if await individuals.is_withdrawn(conn, upload_id):
        return None  # a late chunk of a withdrawn upload: its records must not come back
    done = await individuals.applied_rows(conn, upload_id, [r.row_number for r in event.records])
    records = [r for r in event.records if r.row_number not in done] if done else event.records
    if not records:
        return None
    read = read_records(event, records)
    token_type, stats = read.token_type, read.stats
    await individuals.add_carer_tokens(conn, read.carer_rows)
    # From here to commit, chunks sharing a carer's e-mail/mobile wait for each other: what needs no
    # database state, and the carer tokens (which nothing else locks), is done above, outside that section.
    await individuals.lock_tokens(conn, [c[0] for c in read.carer_rows] +
                                  [t for t, k in token_type.items() if k in CARER_TYPES])
    known = await individuals.lookup(conn, list(token_type))

    # Junk statistics: distinct providers and birth months per token, stored and from this chunk.
    stat_updates, new_junk, provider = [], set(), event.provider_id
    for token, s in stats.items():
        k = known.get(token)
        if k is not None:
            if k.quarantined:
                continue
            if provider in k.providers and s.birth_months.issubset(k.birth_months):
                continue  # nothing new
            s = stats[token] = TokenStats(s.providers | set(k.providers), s.birth_months | set(k.birth_months))
        if junk.is_junk(s.birth_months, s.providers):
            new_junk.add(token)
        if k is not None:
            stat_updates.append((token, sorted(s.providers), sorted(s.birth_months), token in new_junk))
    excluded = new_junk | {t for t, k in known.items() if k.quarantined}

    linking = [[t for t in tokens if t not in excluded] for tokens in read.tokens] if excluded else read.tokens
    components = resolve(linking, {t: k.individual_id for t, k in known.items() if t not in excluded})
    held_by_junk = {known[t].individual_id for t in new_junk if t in known}
    attributes = await individuals.lock(conn, sorted(set().union(held_by_junk, *(c.known for c in components))))
    # Tokens new to this chunk need no re-check: the unique index refuses them if another instance took them.
    if attributes is None or await individuals.changed_since(conn, known):
        raise ConcurrentChange("an individual changed meanwhile")

    upload = str(upload_id)
    enriched = [combine_records([attributes[k] for k in sorted(c.known)], [read.matched[i] for i in c.records], upload)
                for c in components]
    new_ids = iter(await individuals.create(conn, [a for c, a in zip(components, enriched) if not c.known]))
    owner = [c.survivor if c.known else next(new_ids) for c in components]
    merges = {m: c.survivor for c in components for m in c.merged}
    await individuals.merge(conn, list(merges), list(merges.values()))
    await individuals.update_token_stats(conn, stat_updates)
    individual_of = [0] * len(records)
    new_tokens: dict[bytes, int | None] = {t: None for t in new_junk if t not in known}  # junk: nobody's
    for c, o in zip(components, owner):
        for i in c.records:
            individual_of[i] = o
        for t in c.tokens:
            if t not in known:
                new_tokens[t] = o
    one_provider = [provider]
    await individuals.add_identifiers(conn, (
        (t, token_type[t], o, one_provider, sorted(stats[t].birth_months), o is None) for t, o in new_tokens.items()))
    for row, o in zip(read.record_rows, individual_of):
        row[2] = o
    await individuals.add_records(conn, read.record_rows)
    await individuals.set_attributes(conn, {o: a for c, o, a in zip(components, owner, enriched)
                                            if c.known and a != attributes[o]})

    result = ChunkResult(event, records, components, owner, individual_of, token_type, read.matched)
    if new_junk:
        await _quarantine(conn, result, new_junk, stats, {merges.get(i, i) for i in held_by_junk})
    result.links = await relationships.link(
        conn, ((result.individual_of[i], c[0], c[1]) for c, i in zip(read.carer_rows, read.carer_of)),
        [t for t in new_tokens if token_type[t] in CARER_TYPES])
    return result


async def _quarantine(conn: asyncpg.Connection, result: ChunkResult, new_junk: set[bytes], stats: dict,
                      held: set[int]) -> None:
    """Split what the new junk tokens held together; the chunk's records may move to new parts."""
    chunk_owners = set(result.individual_of)
    scope = sorted(held | chunk_owners)
    await individuals.lock_carer_tokens_of(conn, sorted(held))  # the split below moves them (see withdrawal)
    for token in sorted(new_junk):
        count, holders = await conn.fetchrow(
            "SELECT count(*), coalesce(array_agg(DISTINCT individual_id ORDER BY individual_id), '{}') FROM record "
            "WHERE individual_id = ANY($1::bigint[]) AND holds_token(tokens, $2)", scope, token)
        result.quarantined.append(Quarantined(result.token_type[token], count, len(stats[token].birth_months),
                                              len(stats[token].providers), list(holders)))
    result.recomputed = await recompute(conn, sorted(held))
    if result.recomputed.splits:
        rows = await conn.fetch("SELECT row_number, individual_id FROM record WHERE upload_id = $1 "
                                "AND row_number = ANY($2::int[])", result.event.upload_id,
                                [r.row_number for r in result.records])
        now = {r["row_number"]: r["individual_id"] for r in rows}
        result.individual_of = [now[r.row_number] for r in result.records]
