"""The audit log: who did what to which data or access. Never a cell value, a password or a code."""

from __future__ import annotations

import json

import asyncpg


async def record(conn: asyncpg.Connection | asyncpg.Pool, actor: str, action: str, target: str | None = None,
                 address: str | None = None, **detail: object) -> None:
    await conn.execute("INSERT INTO audit_log (actor, action, target, address, detail) VALUES ($1, $2, $3, $4, $5)",
                       actor, action, target, address, json.dumps(detail, default=str))


async def recent(conn: asyncpg.Connection | asyncpg.Pool, limit: int = 200) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT at, actor, action, target, address, detail FROM audit_log ORDER BY id DESC LIMIT $1",
                            limit)
