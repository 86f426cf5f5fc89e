"""Read-only: which individual owns each of some tokens. Outcome records never write the identifier index."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg


async def owners(conn: asyncpg.Connection, tokens: Sequence[bytes]) -> dict[bytes, int]:
    """token -> its individual (kept pointing at the survivor of merges), for known, non-quarantined tokens."""
    if not tokens:
        return {}
    rows = await conn.fetch(
        "SELECT token, individual_id FROM unnest($1::bytea[]) AS u(token) JOIN identifier i USING (token) "
        "WHERE NOT i.quarantined AND i.individual_id IS NOT NULL", list(set(tokens)))
    return {r[0]: r[1] for r in rows}
