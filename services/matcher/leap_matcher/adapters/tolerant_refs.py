"""Tolerant individuals' pseudonymous references and the versions of records' assignments (migration 023),
and the counter that says the linkage-quality figures are out of date (migration 024)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Assignment:
    upload_id: uuid.UUID
    row_number: int
    tolerant_ref: str
    version: int


def reference(ref_id: int) -> str:
    return f"TOL-{ref_id:010d}"


async def assign(conn, changed: Sequence[tuple[str, str]]) -> list[Assignment]:
    """(record id, label) pairs whose tolerant individual changed -> their assignments, each with a new version
    (callers hold the tolerant linking lock, so versions grow in commit order)."""
    if not changed:
        return []
    ids, labels = [c[0] for c in changed], [c[1] for c in changed]
    await conn.execute("INSERT INTO tolerant_ref (cluster) SELECT DISTINCT c FROM unnest($1::text[]) AS c ORDER BY 1 "
                       "ON CONFLICT (cluster) DO NOTHING", labels)
    rows = await conn.fetch(
        "SELECT c.id, r.id AS ref, nextval('tolerant_assignment_version') AS version "
        "FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS c(id, cluster, n) JOIN tolerant_ref r USING (cluster) "
        "ORDER BY c.n", ids, labels)
    found = []
    for row in rows:
        upload, _, number = row["id"].rpartition(":")
        found.append(Assignment(uuid.UUID(upload), int(number), reference(row["ref"]), row["version"]))
    return found


async def changed(conn) -> None:
    """Tolerant linkage changed: the quality figures are to be measured again."""
    await conn.execute("UPDATE tolerant_quality_changed SET changed = changed + 1")


async def clustered_after(conn, after: str, limit: int) -> list[tuple[str, str]]:
    """(record id, cluster) of up to ``limit`` records linked tolerantly, by record id after ``after``."""
    rows = await conn.fetch("SELECT record_id, cluster FROM tolerant_record WHERE record_id > $1 "
                            "AND cluster IS NOT NULL ORDER BY record_id LIMIT $2", after, limit)
    return [(r["record_id"], r["cluster"]) for r in rows]
