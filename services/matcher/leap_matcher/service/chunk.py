"""Apply one chunk of pseudonymised records inside the caller's transaction (set-based), in the steps of
``apply_chunk``: keep the records not stored yet and read them in one pass; store the carer tokens they name
and serialise on them; look up every token at once; merge the junk statistics and find the tokens that now
tie too many people together; resolve the chunk's components; lock the touched individuals in id order and
check nothing moved meanwhile; create, merge, insert; split individuals a new junk token held together;
link children to carers. The rules are ``domain``'s, the SQL ``adapters``'.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import asyncpg

from leap_contracts.delivery.consumer import PoisonMessage

from leap_matcher.adapters import individuals, relationships, stored_records
from leap_matcher.domain.chunk_records import (ChunkRecords, MatchedRecord, PseudonymisedChunk, PseudonymisedRecord,
                                               RecordWithoutToken, linking_tokens, read_chunk, refer)
from leap_matcher.domain.enrichment import Attributes, combine_records
from leap_matcher.domain.identity import KnownToken
from leap_matcher.domain.junk import JunkRule, TokenStats, find_junk
from leap_matcher.domain.resolution import Component, place, resolve_known
from leap_matcher.domain.split import Link, Outcome
from leap_matcher.service.recomputing import recompute

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
    event: PseudonymisedChunk
    records: Sequence[PseudonymisedRecord]
    """Those of the chunk it applied (not stored before)."""
    components: list[Component]
    owner: list[int]
    """The individual of each component (by index into ``components``)."""
    individual_of: list[int]
    """The individual of each record (by index into ``records``)."""
    token_type: dict[bytes, str]
    matched: list[MatchedRecord]
    links: list[Link] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    recomputed: Outcome = field(default_factory=Outcome)


async def apply_chunk(conn: asyncpg.Connection, event: PseudonymisedChunk, junk: JunkRule) -> ChunkResult | None:
    """``event``: a RecordsPseudonymisedV1 payload as a plain Struct (``leap_contracts.plain.open_plain``)."""
    records = await _records_to_apply(conn, event)
    if not records:
        return None
    read = _read(event, records)
    await _hold_carer_tokens(conn, read)
    known = await individuals.lookup(conn, list(read.token_type))
    found = find_junk(junk, event.provider_id, read.stats, known)
    components = resolve_known(linking_tokens(read, found.excluded), known, found.excluded)
    held_by_junk = {k.individual_id for t in found.new_junk if (k := known.get(t)) and k.individual_id is not None}
    attributes = await _lock_individuals(conn, components, held_by_junk, known)

    owner, merges, enriched = await _create_and_merge(conn, components, attributes, read.matched, str(event.upload_id))
    await individuals.update_token_stats(conn, found.updates)
    individual_of, new_tokens = place(components, owner, len(records), known, found.new_junk)
    await _add_identifiers(conn, event.provider_id, read, new_tokens)
    await stored_records.add(conn, event, records, read.tokens, individual_of)
    await individuals.set_attributes(conn, {o: a for c, o, a in zip(components, owner, enriched)
                                            if c.known and a != attributes[o]})

    result = ChunkResult(event, records, components, owner, individual_of, read.token_type, read.matched)
    if found.new_junk:
        await _quarantine(conn, result, found.new_junk, {merges.get(i, i) for i in held_by_junk})
    result.links = await _link_carers(conn, read, result.individual_of, new_tokens)
    refer(result.matched, result.individual_of)
    return result


async def _records_to_apply(conn: asyncpg.Connection, event: PseudonymisedChunk) -> Sequence[PseudonymisedRecord]:
    """The chunk's records not stored yet (a chunk may come again under a new event id); none of a withdrawn
    upload's (a late chunk: its records must not come back)."""
    await stored_records.hold_upload(conn, event.upload_id, exclusive=False)
    if await stored_records.is_withdrawn(conn, event.upload_id):
        return []
    done = await stored_records.applied_rows(conn, event.upload_id, [r.row_number for r in event.records])
    return [r for r in event.records if r.row_number not in done] if done else event.records


def _read(event: PseudonymisedChunk, records: Sequence[PseudonymisedRecord]) -> ChunkRecords:
    try:
        return read_chunk(event, records)
    except RecordWithoutToken as refused:
        raise PoisonMessage(str(refused)) from refused


async def _hold_carer_tokens(conn: asyncpg.Connection, read: ChunkRecords) -> None:
    """Store the carer tokens the children name, then lock them and the chunk's own e-mails/mobiles."""
    await stored_records.add_carer_tokens(conn, read.carers)
    # From here to commit, chunks sharing a carer's e-mail/mobile wait for each other: what needs no
    # database state, and the carer tokens (which nothing else locks), is done before, outside that section.
    await individuals.lock_tokens(conn, [c.token for c in read.carers] +
                                  [t for t, k in read.token_type.items() if k in CARER_TYPES])


async def _lock_individuals(conn: asyncpg.Connection, components: Sequence[Component], held_by_junk: set[int],
                            known: Mapping[bytes, KnownToken]) -> dict[int, Attributes]:
    """The attributes of every individual the chunk touches, locked; raises ConcurrentChange when one of them,
    or a token looked up, changed since it was read."""
    attributes = await individuals.lock(conn, sorted(set().union(held_by_junk, *(c.known for c in components))))
    # Tokens new to this chunk need no re-check: the unique index refuses them if another instance took them.
    if attributes is None or await individuals.changed_since(conn, known):
        raise ConcurrentChange("an individual changed meanwhile")
    return attributes


async def _create_and_merge(conn: asyncpg.Connection, components: Sequence[Component],
                            attributes: Mapping[int, Attributes], matched: Sequence[MatchedRecord], upload: str
                            ) -> tuple[list[int], dict[int, int], list[Attributes]]:
    """Each component's individual (a new one when it touches none), the merges (merged -> survivor) and each
    component's attributes with its records'."""
    enriched = [combine_records([attributes[k] for k in sorted(c.known)], [matched[i] for i in c.records], upload)
                for c in components]
    new_ids = iter(await individuals.create(conn, [a for c, a in zip(components, enriched) if not c.known]))
    owner = [c.survivor if c.survivor is not None else next(new_ids) for c in components]
    merges = {m: survivor for c in components if (survivor := c.survivor) is not None for m in c.merged}
    await individuals.merge(conn, list(merges), list(merges.values()))
    return owner, merges, enriched


async def _add_identifiers(conn: asyncpg.Connection, provider: str, read: ChunkRecords,
                           new_tokens: Mapping[bytes, int | None]) -> None:
    """The tokens new to the index, each with its individual (a junk one: nobody's) and this chunk's statistics."""
    one_provider = [provider]
    await individuals.add_identifiers(conn, (
        (t, read.token_type[t], o, one_provider, sorted(read.stats[t].birth_months), o is None)
        for t, o in new_tokens.items()))


async def _link_carers(conn: asyncpg.Connection, read: ChunkRecords, individual_of: Sequence[int],
                       new_tokens: Mapping[bytes, int | None]) -> list[Link]:
    """Children of this chunk to their carers, and children seen before to the carers this chunk's new e-mails
    and mobiles belong to."""
    return await relationships.link(
        conn, ((individual_of[i], c.token, c.id_type) for c, i in zip(read.carers, read.carer_of)),
        [t for t in new_tokens if read.token_type[t] in CARER_TYPES])


async def _quarantine(conn: asyncpg.Connection, result: ChunkResult, new_junk: Mapping[bytes, TokenStats],
                      held: set[int]) -> None:
    """Split what the new junk tokens held together; the chunk's records may move to new parts."""
    scope = sorted(held | set(result.individual_of))
    await individuals.lock_carer_tokens_of(conn, sorted(held))  # the split below moves them (see withdrawal)
    for token in sorted(new_junk):
        count, holders = await stored_records.holding(conn, scope, token)
        stats = new_junk[token]
        result.quarantined.append(Quarantined(result.token_type[token], count, len(stats.birth_months),
                                              len(stats.providers), holders))
    result.recomputed = await recompute(conn, sorted(held))
    if result.recomputed.splits:
        now = await stored_records.individuals_of_rows(conn, result.event.upload_id,
                                                       [r.row_number for r in result.records])
        result.individual_of = [now[r.row_number] for r in result.records]
