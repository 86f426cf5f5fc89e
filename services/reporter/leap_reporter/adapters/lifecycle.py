"""Read-model changes for the matcher's lifecycle events: match outcomes, withdrawals, splits,
relationships and quarantined identifiers. Each is one set-based statement."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence

import asyncpg
import orjson

from leap_contracts.events import (IdentifierQuarantinedV1, IndividualSplitV1, Link, RecordsMatchedV1,
                                   RecordsWithdrawnV1, RelationshipEndedV1, RelationshipLinkedV1)

from leap_reporter.adapters.history import ending


async def record_match_outcome(conn: asyncpg.Connection, event: RecordsMatchedV1) -> None:
    """A re-matched chunk replaces its row, so counts never double. The row keeps the dates the chunk's
    records cover (first, last, and the months; data quality reads them here)."""
    dates = [r.engagement_date for r in event.records]
    months = sorted({d.replace(day=1) for d in dates})
    await conn.execute(
        """INSERT INTO match_outcome (upload_id, chunk_index, records, new_individuals, matched_existing, findings,
                                      provider_id, service_code, first_date, last_date, months)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11)
           ON CONFLICT (upload_id, chunk_index) DO UPDATE SET records = excluded.records,
               new_individuals = excluded.new_individuals, matched_existing = excluded.matched_existing,
               findings = excluded.findings, provider_id = excluded.provider_id,
               service_code = excluded.service_code, first_date = excluded.first_date,
               last_date = excluded.last_date, months = excluded.months""",
        event.upload_id, event.chunk_index, len(event.records), event.new_individuals, event.matched_existing,
        orjson.dumps(finding_counts(event.records)).decode(), event.provider_id, event.service_code,
        min(dates, default=None), max(dates, default=None), months)


def finding_counts(records: Iterable[object]) -> dict[str, int]:
    """Records per finding code, and per usable identifier type (``identifier:<type>``), read defensively:
    ``MatchedRecord`` carries neither field yet; when the matcher adds them they are counted."""
    counts: Counter[str] = Counter()
    for record in records:
        counts.update(set(getattr(record, "findings", None) or ()))
        counts.update(f"identifier:{t}" for t in set(getattr(record, "identifier_types", None) or ()))
    return dict(sorted(counts.items()))


async def withdraw(conn: asyncpg.Connection, event: RecordsWithdrawnV1) -> int:
    """The upload's engagements and match outcomes leave the read model; returns engagements removed. The
    engagements are ended, not lost: moved to the history (engagement_ended), with how the upload left."""
    status = await conn.execute(ending("upload_id = $1"), event.upload_id)
    await conn.execute("INSERT INTO upload_ended (upload_id, replaced_by) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                       event.upload_id, event.replaced_by)
    await conn.execute("DELETE FROM match_outcome WHERE upload_id = $1", event.upload_id)
    await conn.execute("DELETE FROM split_record WHERE upload_id = $1", event.upload_id)
    return int(status.split()[-1])


async def split(conn: asyncpg.Connection, event: IndividualSplitV1) -> int:
    """Each part's records now belong to the part's reference."""
    refs, uploads, rows = [], [], []
    for part in event.parts:
        for rec in part.records:
            refs.append(part.individual_ref)
            uploads.append(rec.upload_id)
            rows.append(rec.row_number)
    # The reference each moved record had is kept (engagement_ref_change), for "as at" questions before the split.
    status = await conn.execute(
        """WITH moved AS (
               SELECT e.upload_id, e.row_number, e.learned_xid, e.individual_ref AS old_ref, p.ref
                 FROM engagement e JOIN unnest($1::text[], $2::uuid[], $3::int[]) AS p(ref, upload_id, row_number)
                   ON e.upload_id = p.upload_id AND e.row_number = p.row_number
                WHERE e.individual_ref <> p.ref
           ), kept AS (
               INSERT INTO engagement_ref_change (upload_id, row_number, learned_xid, old_ref)
               SELECT upload_id, row_number, learned_xid, old_ref FROM moved ON CONFLICT DO NOTHING
           )
           UPDATE engagement e SET individual_ref = m.ref FROM moved m
            WHERE e.upload_id = m.upload_id AND e.row_number = m.row_number""", refs, uploads, rows)
    # Kept for a chunk applied after this split (the topics are read independently): see split_record.
    await conn.execute(
        """INSERT INTO split_record (upload_id, row_number, individual_ref)
           SELECT upload_id, row_number, ref FROM unnest($1::text[], $2::uuid[], $3::int[]) AS p(ref, upload_id, row_number)
           ON CONFLICT (upload_id, row_number) DO UPDATE SET individual_ref = excluded.individual_ref""",
        refs, uploads, rows)
    # A part's new reference is its own individual again, even if it was once merged away.
    await conn.execute(
        """WITH gone AS (DELETE FROM individual_alias WHERE ref = ANY($1::text[]) RETURNING ref)
           INSERT INTO individual_alias_change (ref, survivor_ref) SELECT ref, NULL FROM gone""",
        [p.individual_ref for p in event.parts])
    return int(status.split()[-1])


async def relate(conn: asyncpg.Connection, event: RelationshipLinkedV1) -> None:
    await relate_all(conn, [event])


async def relate_all(conn: asyncpg.Connection, links: Sequence[RelationshipLinkedV1 | Link]) -> None:
    """Every link in one statement (in (child, carer) order, so concurrent writers never deadlock)."""
    if links:
        pairs = sorted({(link.child_ref, link.carer_ref) for link in links})
        await conn.execute(
            """INSERT INTO relationship (child_ref, carer_ref) SELECT * FROM unnest($1::text[], $2::text[])
               ON CONFLICT DO NOTHING""", [p[0] for p in pairs], [p[1] for p in pairs])


async def unrelate(conn: asyncpg.Connection, event: RelationshipEndedV1) -> None:
    """The event names live references; the rows may hold references merged into them since."""
    await conn.execute(
        """WITH gone AS (
               DELETE FROM relationship r
                WHERE r.child_ref IN (SELECT $1 UNION SELECT ref FROM individual_alias WHERE survivor_ref = $1)
                  AND r.carer_ref IN (SELECT $2 UNION SELECT ref FROM individual_alias WHERE survivor_ref = $2)
               RETURNING child_ref, carer_ref, learned_xid)
           INSERT INTO relationship_ended (child_ref, carer_ref, learned_xid)
           SELECT child_ref, carer_ref, learned_xid FROM gone""",  # ended, kept in the history (migration 014)
        event.child_ref, event.carer_ref)


async def quarantined(conn: asyncpg.Connection, event: IdentifierQuarantinedV1) -> None:
    await finding(conn, event.upload_id, event.identifier_type, event.records)


async def finding(conn: asyncpg.Connection, upload_id: uuid.UUID, identifier_type: str, records: int) -> None:
    """Counted per upload as a junk-identifier finding (records it tied together; the type, never the token)."""
    await conn.execute(
        """INSERT INTO upload_finding (upload_id, code, detail, rows) VALUES ($1, 'identifier_quarantined', $2, $3)
           ON CONFLICT (upload_id, code, detail) DO UPDATE SET rows = upload_finding.rows + excluded.rows""",
        upload_id, identifier_type, records)
