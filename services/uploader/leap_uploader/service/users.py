"""Managing users: creating them (the first admin from the ops command, the others from the admin page) and
changing them. Every change is audited; one that could let a lost device or password in ends their sessions."""

from __future__ import annotations

import re

import asyncpg

from leap_uploader.adapters import accounts_sql, audit, providers_sql, throttle_sql
from leap_uploader.domain import passwords
from leap_uploader.service import session_ending

ROLES = ("provider", "analyst", "admin")
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{2,63}$")


class InvalidUser(ValueError):
    pass


def _check_role(role: str, provider_id: str | None) -> None:
    if role not in ROLES:
        raise InvalidUser(f"role must be one of {', '.join(ROLES)}")
    if (role == "provider") != bool(provider_id):
        raise InvalidUser("provider users need a provider; analysts and admins have none")


def _hashed(password: str) -> str:
    try:
        return passwords.hash_password(password)
    except passwords.WeakPassword as exc:
        raise InvalidUser(str(exc)) from None


async def create_user(pool: asyncpg.Pool, actor: str, username: str, role: str, provider_id: str | None,
                      password: str) -> int:
    if not _USERNAME.match(username):
        raise InvalidUser("username must be 3-64 letters, digits, '.', '_', '@' or '-'")
    _check_role(role, provider_id)
    hashed = _hashed(password)
    async with pool.acquire() as conn, conn.transaction():
        if await accounts_sql.by_username(conn, username) is not None:
            raise InvalidUser("that username is taken")
        if provider_id and not await providers_sql.exists(conn, provider_id):
            raise InvalidUser("no such provider")
        user_id = await accounts_sql.insert_user(conn, username, role, provider_id or None, hashed)
        await audit.record(conn, actor, "user.created", target=f"user:{username}", role=role, provider_id=provider_id)
    return user_id


async def change_user(pool: asyncpg.Pool, actor: str, user_id: int, *, password: str | None = None,
                      reset_totp: bool = False, disabled: bool | None = None, unlock: bool = False,
                      role: str | None = None, provider_id: str | None = None, topic_prefix: str = "") -> None:
    """Change a user; disabling them, changing their role, password or authenticator ends every session of
    theirs, here and (``SessionsEndedV1``) on the reporter and the matcher."""
    hashed = _hashed(password) if password else None
    if role is not None:
        provider_id = provider_id or None
        _check_role(role, provider_id)
    async with pool.acquire() as conn, conn.transaction():
        row = await accounts_sql.by_id(conn, user_id, lock=True)
        if row is None:
            raise InvalidUser("no such user")
        role_changed = role is not None and (role, provider_id) != (row["role"], row["provider_id"])
        if role_changed:
            if provider_id and not await providers_sql.exists(conn, provider_id):
                raise InvalidUser("no such provider")
            await accounts_sql.set_role(conn, user_id, role, provider_id)
        await accounts_sql.update_user(conn, user_id, password_hash=hashed, reset_totp=reset_totp, disabled=disabled,
                                   unlock=unlock)
        if unlock:
            await throttle_sql.clear(conn, account=row["username"].lower())
        reason = ("disabled" if disabled else "role_changed" if role_changed else "password_changed" if hashed
                  else "second_factor_reset" if reset_totp else None)
        if reason is not None:
            await accounts_sql.delete_sessions(conn, user_id=user_id)
            if hashed or reset_totp:
                await throttle_sql.forget_devices(conn, user_id)
            await session_ending.announce(conn, topic_prefix, user_id, reason)
        await audit.record(conn, actor, "user.changed", target=f"user:{row['username']}", password=bool(hashed),
                           reset_totp=reset_totp, disabled=disabled, unlock=unlock,
                           role=role if role_changed else None, sessions_ended=reason is not None)
