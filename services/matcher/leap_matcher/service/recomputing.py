"""Recompute individuals from their remaining records and split the ones that fell apart.

Used after a withdrawal (records left) and a quarantine (a token stopped linking). The callers
hold the individuals' locks. Individuals merged into a split one keep pointing at the part that
kept the reference. The relationships of every part are derived again from what remains. The rules
are ``domain.split``'s; this reads the records, gives the new parts their ids and stores the outcome.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from leap_matcher.adapters import individuals, relationships, stored_records
from leap_matcher.domain.enrichment import candidate
from leap_matcher.domain.identity import unpacked
from leap_matcher.domain.split import Outcome, StoredRecord, assign, new_parts, regroup


async def recompute(conn: asyncpg.Connection, ids: Sequence[int]) -> Outcome:
    rows = await stored_records.of_individuals(conn, ids)
    stored = [StoredRecord(r["upload_id"], r["row_number"], r["engagement_date"], tuple(unpacked(r["tokens"])),
                           candidate(r, str(r["upload_id"]))) for r in rows]
    all_tokens = list({t for s in stored for t in s.tokens})
    not_linking = await individuals.quarantined_among(conn, all_tokens)
    records_of: dict[int, list[StoredRecord]] = {i: [] for i in ids}
    for row, record in zip(rows, stored):
        records_of[row["individual_id"]].append(record)

    regrouped = regroup(records_of, not_linking)
    outcome, moves = assign(regrouped, iter(await individuals.create(conn, [{}] * new_parts(regrouped))), not_linking)

    await individuals.keep_identifiers(conn, ids, [t for t in all_tokens if t not in not_linking])
    await individuals.remove(conn, outcome.removed)
    await stored_records.move(conn, moves.records)
    await individuals.move_identifiers(conn, moves.tokens)
    await individuals.set_attributes(conn, outcome.attributes)
    outcome.links, outcome.unlinks = await relationships.rederive(conn, sorted(outcome.attributes.keys() | set(ids)))
    return outcome
