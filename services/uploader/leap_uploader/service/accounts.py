"""Signing in with a password and a second factor, enrolment, sessions, and managing users.

Every outcome is audited. Messages shown to the person never say whether the
username exists.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

import asyncpg

from leap_uploader.adapters import accounts, audit
from leap_uploader.domain import passwords, totp

ROLES = ("provider", "analyst", "admin")
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{2,63}$")
WRONG = "the username or password is not right, or the account is locked for a while"


class SignInRefused(Exception):
    pass


class TooManyAttempts(Exception):
    pass


class InvalidUser(ValueError):
    pass


@dataclass(frozen=True)
class Policy:
    max_failures: int = 5
    lock_seconds: int = 15 * 60
    address_limit: int = 30
    address_window_seconds: int = 15 * 60
    session_seconds: int = 8 * 3600
    idle_seconds: int = 30 * 60
    half_session_seconds: int = 10 * 60


@dataclass(frozen=True)
class SessionUser:
    user_id: int
    username: str
    role: str
    provider_id: str | None
    csrf_token: str
    second_factor_done: bool
    enrolled: bool
    token_hash: str

    @property
    def actor(self) -> str:
        return f"user:{self.username}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def sign_in(pool: asyncpg.Pool, policy: Policy, username: str, password: str, address: str) -> str:
    """Password step: a new half session (second factor still to do); returns the cookie value."""
    async with pool.acquire() as conn, conn.transaction():
        if await accounts.address_failures(conn, address, policy.address_window_seconds) >= policy.address_limit:
            await audit.record(conn, "anonymous", "sign_in.rate_limited", address=address)
            raise TooManyAttempts("too many failed sign-ins from this address: wait 15 minutes and try again")
        user = await accounts.by_username(conn, username, lock=True)
        good = passwords.verify_password(user["password_hash"] if user else passwords.DUMMY_HASH, password)
        locked = user is not None and user["locked_until"] is not None and await conn.fetchval(
            "SELECT $1::timestamptz > now()", user["locked_until"])
        if user is None or not good or locked or user["disabled_at"] is not None:
            await accounts.add_address_failure(conn, address)
            if user is not None and not locked:
                await accounts.record_failure(conn, user["id"], policy.max_failures, policy.lock_seconds)
            await audit.record(conn, f"user:{user['username']}" if user else "anonymous", "sign_in.failed",
                               address=address, step="password", locked=bool(locked))
            failure = SignInRefused(WRONG)
        else:
            token = secrets.token_urlsafe(32)
            await accounts.create_session(conn, _hash(token), user["id"], secrets.token_urlsafe(32),
                                          policy.half_session_seconds)
            await audit.record(conn, f"user:{user['username']}", "sign_in.password_ok", address=address)
            return token
    raise failure


async def current(pool: asyncpg.Pool, policy: Policy, cookie: str | None) -> SessionUser | None:
    if not cookie:
        return None
    row = await accounts.session_user(pool, _hash(cookie), policy.idle_seconds)
    if row is None:
        return None
    return SessionUser(row["id"], row["username"], row["role"], row["provider_id"], row["csrf_token"],
                       row["second_factor_done"], row["totp_secret"] is not None, row["token_hash"])


async def start_enrolment(pool: asyncpg.Pool, user: SessionUser) -> tuple[str, str]:
    """The secret to enrol (kept pending until a code confirms it): (secret, QR code SVG)."""
    row = await accounts.by_id(pool, user.user_id)
    secret = row["totp_pending"]
    if secret is None:
        secret = totp.new_secret()
        await accounts.set_pending_totp(pool, user.user_id, secret)
    return secret, totp.qr_svg(totp.provisioning_uri(secret, user.username))


async def second_factor(pool: asyncpg.Pool, policy: Policy, user: SessionUser, code: str, address: str) -> str:
    """Check the code (enrolling on first use); returns the new, full session's cookie value."""
    async with pool.acquire() as conn, conn.transaction():
        row = await accounts.by_id(conn, user.user_id, lock=True)
        enrolling = row["totp_secret"] is None
        secret = row["totp_pending"] if enrolling else row["totp_secret"]
        step = totp.accepted_step(secret, code, row["totp_last_step"]) if secret else None
        if step is None:
            await accounts.record_failure(conn, user.user_id, policy.max_failures, policy.lock_seconds)
            await accounts.add_address_failure(conn, address)
            await audit.record(conn, user.actor, "sign_in.failed", address=address, step="totp",
                               replayed=bool(secret and totp.accepted_step(secret, code, -1) is not None))
            failure = SignInRefused("the code is not right or was already used: wait for the next code and try again")
        elif row["locked_until"] is not None and await conn.fetchval("SELECT $1::timestamptz > now()",
                                                                      row["locked_until"]):
            failure = SignInRefused(WRONG)
        else:
            if enrolling:
                await accounts.confirm_totp(conn, user.user_id, secret, step)
                await audit.record(conn, user.actor, "totp.enrolled", address=address)
            else:
                await accounts.use_totp_step(conn, user.user_id, step)
            await accounts.clear_failures(conn, user.user_id)
            token = secrets.token_urlsafe(32)
            await accounts.complete_second_factor(conn, user.token_hash, _hash(token), policy.session_seconds)
            await audit.record(conn, user.actor, "sign_in.succeeded", address=address)
            return token
    raise failure


async def sign_out(pool: asyncpg.Pool, user: SessionUser, address: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await accounts.delete_session(conn, user.token_hash)
        await audit.record(conn, user.actor, "sign_out", address=address)


async def create_user(pool: asyncpg.Pool, actor: str, username: str, role: str, provider_id: str | None,
                      password: str) -> int:
    if not _USERNAME.match(username):
        raise InvalidUser("username must be 3-64 letters, digits, '.', '_', '@' or '-'")
    if role not in ROLES:
        raise InvalidUser(f"role must be one of {', '.join(ROLES)}")
    if (role == "provider") != bool(provider_id):
        raise InvalidUser("provider users need a provider; analysts and admins have none")
    try:
        hashed = passwords.hash_password(password)
    except passwords.WeakPassword as exc:
        raise InvalidUser(str(exc)) from None
    async with pool.acquire() as conn, conn.transaction():
        if await accounts.by_username(conn, username) is not None:
            raise InvalidUser("that username is taken")
        if provider_id and not await conn.fetchval("SELECT true FROM providers WHERE id = $1", provider_id):
            raise InvalidUser("no such provider")
        user_id = await accounts.insert_user(conn, username, role, provider_id or None, hashed)
        await audit.record(conn, actor, "user.created", target=f"user:{username}", role=role, provider_id=provider_id)
    return user_id


async def change_user(pool: asyncpg.Pool, actor: str, user_id: int, *, password: str | None = None,
                      reset_totp: bool = False, disabled: bool | None = None, unlock: bool = False) -> None:
    hashed = None
    if password:
        try:
            hashed = passwords.hash_password(password)
        except passwords.WeakPassword as exc:
            raise InvalidUser(str(exc)) from None
    async with pool.acquire() as conn, conn.transaction():
        row = await accounts.by_id(conn, user_id, lock=True)
        if row is None:
            raise InvalidUser("no such user")
        await accounts.update_user(conn, user_id, password_hash=hashed, reset_totp=reset_totp, disabled=disabled,
                                   unlock=unlock)
        await audit.record(conn, actor, "user.changed", target=f"user:{row['username']}", password=bool(hashed),
                           reset_totp=reset_totp, disabled=disabled, unlock=unlock)
