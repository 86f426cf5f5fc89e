"""SQL for users, sessions and failed sign-ins."""

from __future__ import annotations

import asyncpg

Conn = asyncpg.Connection | asyncpg.Pool
USER_COLUMNS = ("id, username, role, provider_id, password_hash, totp_secret, totp_pending, totp_last_step, "
                "failed_attempts, locked_until, disabled_at, created_at")


async def insert_user(conn: Conn, username: str, role: str, provider_id: str | None, password_hash: str) -> int:
    return await conn.fetchval(
        "INSERT INTO users (username, role, provider_id, password_hash) VALUES ($1, $2, $3, $4) RETURNING id",
        username, role, provider_id, password_hash)


async def by_username(conn: Conn, username: str, *, lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {USER_COLUMNS} FROM users WHERE lower(username) = lower($1)"
                               + (" FOR UPDATE" if lock else ""), username)


async def by_id(conn: Conn, user_id: int, *, lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {USER_COLUMNS} FROM users WHERE id = $1" + (" FOR UPDATE" if lock else ""),
                               user_id)


async def list_users(conn: Conn) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {USER_COLUMNS} FROM users ORDER BY username")


async def record_failure(conn: Conn, user_id: int, max_failures: int, lock_seconds: int) -> None:
    await conn.execute(
        """UPDATE users SET failed_attempts = failed_attempts + 1,
                  locked_until = CASE WHEN failed_attempts + 1 >= $2
                                      THEN now() + make_interval(secs => $3) ELSE locked_until END
            WHERE id = $1""", user_id, max_failures, lock_seconds)


async def clear_failures(conn: Conn, user_id: int) -> None:
    await conn.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = $1", user_id)


async def set_pending_totp(conn: Conn, user_id: int, secret: str) -> None:
    await conn.execute("UPDATE users SET totp_pending = $2 WHERE id = $1", user_id, secret)


async def confirm_totp(conn: Conn, user_id: int, secret: str, step: int) -> None:
    await conn.execute("UPDATE users SET totp_secret = $2, totp_pending = NULL, totp_last_step = $3 WHERE id = $1",
                       user_id, secret, step)


async def use_totp_step(conn: Conn, user_id: int, step: int) -> bool:
    """Record the code's step; False when it (or a later one) was already used: a replay."""
    status = await conn.execute("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2",
                                user_id, step)
    return status == "UPDATE 1"


async def update_user(conn: Conn, user_id: int, *, password_hash: str | None = None, reset_totp: bool = False,
                      disabled: bool | None = None, unlock: bool = False) -> None:
    await conn.execute(
        """UPDATE users SET password_hash = coalesce($2, password_hash),
                  totp_secret = CASE WHEN $3 THEN NULL ELSE totp_secret END,
                  totp_pending = CASE WHEN $3 THEN NULL ELSE totp_pending END,
                  disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at
                                     WHEN $4 THEN coalesce(disabled_at, now()) ELSE NULL END,
                  failed_attempts = CASE WHEN $5 THEN 0 ELSE failed_attempts END,
                  locked_until = CASE WHEN $5 THEN NULL ELSE locked_until END
            WHERE id = $1""", user_id, password_hash, reset_totp, disabled, unlock)
    if password_hash is not None or reset_totp or disabled:
        await conn.execute("DELETE FROM sessions WHERE user_id = $1", user_id)


async def address_failures(conn: Conn, address: str, window_seconds: int) -> int:
    await conn.execute("DELETE FROM sign_in_failures WHERE failed_at < now() - make_interval(secs => $1)",
                       window_seconds)
    return await conn.fetchval("SELECT count(*) FROM sign_in_failures WHERE address = $1", address)


async def add_address_failure(conn: Conn, address: str) -> None:
    await conn.execute("INSERT INTO sign_in_failures (address) VALUES ($1)", address)


# --- sessions ---

async def create_session(conn: Conn, token_hash: str, user_id: int, csrf_token: str, ttl_seconds: int) -> None:
    await conn.execute(
        """INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at)
           VALUES ($1, $2, $3, now() + make_interval(secs => $4))""", token_hash, user_id, csrf_token, ttl_seconds)


async def session_user(conn: Conn, token_hash: str, idle_seconds: int) -> asyncpg.Record | None:
    """The live session and its user (touching it); None when unknown, expired, idle too long or disabled."""
    return await conn.fetchrow(
        f"""UPDATE sessions s SET last_seen_at = now()
              FROM users u
             WHERE s.token_hash = $1 AND u.id = s.user_id AND u.disabled_at IS NULL
               AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $2)
         RETURNING s.token_hash, s.csrf_token, s.second_factor_done,
                   {', '.join('u.' + c.strip() for c in USER_COLUMNS.split(','))}""",
        token_hash, idle_seconds)


async def complete_second_factor(conn: Conn, old_hash: str, new_hash: str, ttl_seconds: int) -> None:
    """A new session id once both factors are done (no fixation), with the full lifetime."""
    await conn.execute(
        """UPDATE sessions SET token_hash = $2, second_factor_done = true, last_seen_at = now(),
                  expires_at = now() + make_interval(secs => $3) WHERE token_hash = $1""",
        old_hash, new_hash, ttl_seconds)


async def delete_session(conn: Conn, token_hash: str) -> None:
    await conn.execute("DELETE FROM sessions WHERE token_hash = $1", token_hash)


async def count_session_failure(conn: Conn, token_hash: str) -> int:
    """One more wrong code in this half session; how many so far."""
    return await conn.fetchval("UPDATE sessions SET code_failures = code_failures + 1 WHERE token_hash = $1 "
                               "RETURNING code_failures", token_hash) or 0


async def set_role(conn: Conn, user_id: int, role: str, provider_id: str | None) -> None:
    await conn.execute("UPDATE users SET role = $2, provider_id = $3 WHERE id = $1", user_id, role, provider_id)


async def delete_sessions(conn: Conn, *, user_id: int | None = None, keep: str | None = None) -> int:
    """A user's sessions (every user's without ``user_id``), except the one whose hash is ``keep``."""
    status = await conn.execute("DELETE FROM sessions WHERE ($1::bigint IS NULL OR user_id = $1) "
                                "AND token_hash IS DISTINCT FROM $2", user_id, keep)
    return int(status.split()[-1])
