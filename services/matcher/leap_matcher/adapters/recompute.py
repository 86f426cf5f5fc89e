"""Recompute individuals from their remaining records and split the ones that fell apart.

Used after a withdrawal (records left) and a quarantine (a token stopped linking). The callers
hold the individuals' locks. Individuals merged into a split one keep pointing at the part that
kept the reference. The relationships of every part are derived again from what remains.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import asyncpg

from leap_matcher.adapters import individuals, relationships
from leap_matcher.domain.enrichment import Attributes, candidate, combine
from leap_matcher.domain.split import StoredRecord, split_parts


@dataclass
class Split:
    kept: int
    parts: list[tuple[int, list[tuple[uuid.UUID, int]]]]
    """(new individual id, records it took)."""


@dataclass
class Outcome:
    splits: list[Split] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    attributes: dict[int, Attributes] = field(default_factory=dict)
    links: list[tuple[int, int, list[str]]] = field(default_factory=list)
    """Relationships that now hold and did not (child, carer, via): a part split off keeps its carer."""
    unlinks: list[tuple[int, int]] = field(default_factory=list)
    """Relationships (child, carer) that no longer hold."""


async def recompute(conn: asyncpg.Connection, ids: list[int]) -> Outcome:
    rows = await conn.fetch(
        "SELECT * FROM record WHERE individual_id = ANY($1::bigint[])", ids)
    packed = {(r["upload_id"], r["row_number"]): individuals.unpacked(r["tokens"]) for r in rows}
    all_tokens = list({t for tokens in packed.values() for t in tokens})
    not_linking = {r["token"] for r in await conn.fetch(
        "SELECT token FROM identifier WHERE token = ANY($1::bytea[]) AND quarantined", all_tokens)}
    by_individual: dict[int, list] = {i: [] for i in ids}
    for r in rows:
        by_individual[r["individual_id"]].append(r)

    outcome = Outcome()
    record_moves: list[tuple[uuid.UUID, int, int]] = []
    token_moves: dict[bytes, int] = {}
    for individual_id, own in by_individual.items():
        if not own:
            outcome.removed.append(individual_id)
            continue
        stored = {(r["upload_id"], r["row_number"]): r for r in own}
        parts = split_parts([StoredRecord(r["upload_id"], r["row_number"], r["engagement_date"],
                                          tuple(packed[r["upload_id"], r["row_number"]]))
                             for r in own], not_linking)
        owners = [individual_id] + await individuals.create(conn, [{}] * (len(parts) - 1))
        for owner, part in zip(owners, parts):
            outcome.attributes[owner] = combine(
                candidate(stored[(p.upload_id, p.row_number)], str(p.upload_id)) for p in part)
            if owner != individual_id:
                record_moves.extend((p.upload_id, p.row_number, owner) for p in part)
                token_moves.update({t: owner for p in part for t in p.tokens if t not in not_linking})
        if len(parts) > 1:
            outcome.splits.append(Split(individual_id, [
                (owner, [(p.upload_id, p.row_number) for p in part]) for owner, part in zip(owners[1:], parts[1:])]))

    remaining = [t for t in all_tokens if t not in not_linking]
    await conn.execute("DELETE FROM identifier WHERE individual_id = ANY($1::bigint[]) AND NOT token = ANY($2::bytea[])",
                       ids, remaining)
    if outcome.removed:
        await conn.execute("UPDATE individual SET removed = true, attributes = '{}' WHERE id = ANY($1::bigint[])",
                           outcome.removed)
    if record_moves:
        await conn.execute(
            "UPDATE record r SET individual_id = m.owner FROM unnest($1::uuid[], $2::int[], $3::bigint[]) "
            "AS m(upload_id, row_number, owner) WHERE r.upload_id = m.upload_id AND r.row_number = m.row_number",
            [m[0] for m in record_moves], [m[1] for m in record_moves], [m[2] for m in record_moves])
    if token_moves:
        await conn.execute(
            "UPDATE identifier t SET individual_id = m.owner FROM unnest($1::bytea[], $2::bigint[]) AS m(token, owner) "
            "WHERE t.token = m.token", list(token_moves), list(token_moves.values()))
    await individuals.set_attributes(conn, outcome.attributes)
    outcome.links, outcome.unlinks = await relationships.rederive(conn, sorted(outcome.attributes.keys() | set(ids)))
    return outcome
