"""Opening a session from the uploader's sign-in assertion: verified, spent once, for the right roles.

Needs the service's ``people_session`` and ``signin_nonce (nonce text primary key, expires_at timestamptz)``.
"""

from __future__ import annotations

from datetime import datetime, timezone

import asyncpg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from leap_contracts import identity
from leap_contracts.sessions import store


class SignInRefused(Exception):
    """The assertion is not valid, not for a role this service admits, or already used; the message says which."""


async def spend_nonce(pool: asyncpg.Pool, nonce: str, expires: int) -> bool:
    """True the first time a nonce is seen; expired nonces are forgotten (their assertions are refused anyway)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM signin_nonce WHERE expires_at < now() - interval '5 minutes'")
        spent = await conn.fetchval(
            "INSERT INTO signin_nonce (nonce, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING true",
            nonce, datetime.fromtimestamp(expires, timezone.utc))
    return bool(spent)


async def session_from_assertion(pool: asyncpg.Pool, key: Ed25519PublicKey | None, assertion: str, *,
                                 audience: str, roles: tuple[str, ...],
                                 seconds: int) -> tuple[str, store.PersonSession]:
    """(cookie value, session) for a genuine, unused assertion; raises :class:`SignInRefused`."""
    if key is None:
        raise SignInRefused("sign-in through the uploader is not set up here")
    try:
        claims = identity.verify(key, assertion, audience=audience)
    except identity.InvalidAssertion as exc:
        raise SignInRefused(str(exc)) from exc
    if claims.role not in roles:
        raise SignInRefused(f"this is for {' and '.join(r + 's' for r in roles)}")
    if not await spend_nonce(pool, claims.nonce, claims.exp):
        raise SignInRefused("this sign-in link was already used: sign in again")
    return await store.open_session(pool, user_id=claims.sub, username=claims.username, role=claims.role,
                                    seconds=seconds)
