"""Outcome records linked again, automatically, in the transaction of the service chunk or withdrawal that
changed who owns one of their tokens (docs/outcomes-dataset.md, "Linkage: never reach").

A record's link depends only on the owners of its NHS number and child key tokens. The identifier index changes
only by a chunk (its own tokens become known or quarantined; individuals merge, or split after a quarantine) or
by a withdrawal (individuals recomputed: split, emptied, tokens gone), always under the locks of the individuals
concerned. So the records to link again are those carrying one of the chunk's tokens, or last linked with one of
the touched individuals among their owners. Each is linked again against today's index (read-only) and, where its
link changed, published as OutcomeLinksChangedV1 (one per outcome chunk) through the caller's outbox."""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from leap_contracts.delivery.outbox import Outbox
from leap_contracts.events import OutcomeLinksChangedV1

from leap_matcher.adapters import outcome_links_sql, outcome_tokens
from leap_matcher.domain.identity import reference
from leap_matcher.domain.split import Outcome
from leap_matcher.domain.outcome_links import LINKING_TYPES, link
from leap_matcher.service.chunk import ChunkResult
from leap_matcher.service.withdrawal import WithdrawalResult


def touched_by_chunk(result: ChunkResult) -> tuple[list[bytes], set[int]]:
    """The chunk's linking tokens, and every individual whose tokens it gave, moved or took."""
    tokens = [t for t, kind in result.token_type.items() if kind in LINKING_TYPES]
    people = set(result.owner) | {m for c in result.components for m in c.merged}
    people.update(i for q in result.quarantined for i in q.individual_ids)
    return tokens, people | _recomputed(result.recomputed)


def touched_by_withdrawal(result: WithdrawalResult) -> set[int]:
    return _recomputed(result.outcome)


def _recomputed(outcome: Outcome) -> set[int]:
    return {*outcome.attributes, *outcome.removed, *(s.kept for s in outcome.splits),
            *(p for s in outcome.splits for p, _ in s.parts)}


async def relink(conn: asyncpg.Connection, outbox: Outbox, tokens: Iterable[bytes], people: Iterable[int]) -> None:
    """Call last in the transaction, after every change of the identifier index."""
    await outcome_links_sql.hold(conn, exclusive=False)
    rows = await outcome_links_sql.affected(conn, tokens, people)
    if not rows:
        return
    owner = await outcome_tokens.owners(conn, [t for r in rows for t in r["tokens"]])
    updates, changed = [], {}
    for r in rows:
        now = link(r["tokens"], owner)
        if (now.owners, now.individual_id, now.bridges) == (tuple(r["owners"]), r["individual_id"], r["bridges"]):
            continue
        updates.append((r["upload_id"], r["row_number"], now.owners, now.individual_id, now.bridges))
        if (now.individual_id, now.bridges) != (r["individual_id"], r["bridges"]):
            changed.setdefault((r["upload_id"], r["chunk_index"]), []).append(
                {"row_number": r["row_number"], "bridges": now.bridges,
                 "individual_ref": reference(now.individual_id) if now.individual_id else None})
    await outcome_links_sql.update(conn, updates)
    counts = await outcome_links_sql.chunk_counts(conn, list(changed))
    for (upload_id, index), records in sorted(changed.items()):
        linked, unlinked, bridging = counts[(upload_id, index)]
        outbox.add_payload(OutcomeLinksChangedV1, {
            "upload_id": str(upload_id), "chunk_index": index, "changed": records, "linked": linked,
            "unlinked": unlinked, "bridging": bridging})
