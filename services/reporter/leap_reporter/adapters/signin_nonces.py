"""Nonces of the uploader's sign-in assertions already spent: each assertion signs in once."""

from __future__ import annotations

from datetime import datetime, timezone

import asyncpg


async def spend(pool: asyncpg.Pool, nonce: str, expires: int) -> bool:
    """True the first time a nonce is seen; expired nonces are forgotten (their assertions are refused anyway)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM signin_nonce WHERE expires_at < now() - interval '5 minutes'")
        spent = await conn.fetchval(
            "INSERT INTO signin_nonce (nonce, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING true",
            nonce, datetime.fromtimestamp(expires, timezone.utc))
    return bool(spent)
