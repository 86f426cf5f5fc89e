"""Server-side sessions in the service's own ``people_session`` table (see the package's docstring).

The table (each service's migration creates it in its own schema)::

    CREATE TABLE people_session (
        token_hash text PRIMARY KEY, user_id text NOT NULL, username text NOT NULL, role text NOT NULL,
        csrf_token text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL);
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import TypeAlias

import asyncpg

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool
TOKEN_USER = "token"
"""``user_id`` of a session opened with a bearer token (no person behind it at the uploader)."""


@dataclass(frozen=True)
class PersonSession:
    user_id: str
    username: str
    role: str
    csrf_token: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(conn: Conn, *, user_id: str, username: str, role: str, seconds: int) -> tuple[str, PersonSession]:
    """A new session: (the cookie's value, the session)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    await conn.execute("DELETE FROM people_session WHERE expires_at < now()")
    await conn.execute(
        """INSERT INTO people_session (token_hash, user_id, username, role, csrf_token, expires_at)
           VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))""",
        _hash(token), user_id, username, role, csrf, seconds)
    return token, PersonSession(user_id, username, role, csrf)


async def find(conn: Conn, token: str | None) -> PersonSession | None:
    """The live session the cookie names, or None (unknown, ended or expired)."""
    if not token or len(token) > 200:
        return None
    row = await conn.fetchrow("SELECT user_id, username, role, csrf_token FROM people_session "
                              "WHERE token_hash = $1 AND expires_at > now()", _hash(token))
    return PersonSession(row["user_id"], row["username"], row["role"], row["csrf_token"]) if row else None


async def end(conn: Conn, token: str | None) -> None:
    if token:
        await conn.execute("DELETE FROM people_session WHERE token_hash = $1", _hash(token))


async def end_for_user(conn: Conn, user_id: str) -> int:
    status = await conn.execute("DELETE FROM people_session WHERE user_id = $1", user_id)
    return int(status.split()[-1])


async def end_all(conn: Conn) -> int:
    status = await conn.execute("DELETE FROM people_session")
    return int(status.split()[-1])


async def count(conn: Conn) -> int:
    live: int = await conn.fetchval("SELECT count(*) FROM people_session WHERE expires_at > now()")
    return live

