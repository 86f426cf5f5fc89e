"""Signing in with a password and a second factor, enrolment, and sessions (users themselves: ``service.users``).

Every outcome is audited. Messages shown to the person never say whether the
username exists.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import asyncpg

from leap_uploader.adapters import accounts_sql, audit, throttle_sql
from leap_uploader.domain import passwords, totp
from leap_uploader.domain.throttle import wait_seconds

WRONG = "the username or password is not right"


class SignInRefused(Exception):
    pass


class TooManyAttempts(Exception):
    pass


@dataclass(frozen=True)
class Policy:
    max_failures: int = 5  # free failures per account (or known device) before attempts must wait
    lock_seconds: int = 15 * 60  # the longest wait
    address_limit: int = 30  # free failures per address
    failure_window_seconds: int = 3600  # failures are remembered this long
    alert_failures: int = 10  # failures of one account (in the window) that alert the admins
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


async def _throttle_wait(conn, policy: Policy, account: str, address: str, device: str | None) -> int:
    found = await throttle_sql.buckets(conn, account=account, address=address, device=device, free=policy.max_failures,
                                   address_free=policy.address_limit, window=policy.failure_window_seconds)
    return wait_seconds(found, policy.lock_seconds)


async def _failed(conn, policy: Policy, *, account: str, address: str, device: str | None, actor: str,
                  user_known: bool, step: str, **detail) -> None:
    """Count a failure; alert the admins (audit ``sign_in.alert``, shown on /admin) once per window when an
    account or an address passes ``alert_failures``."""
    await throttle_sql.add_failure(conn, account=account, address=address, device=device)
    await audit.record(conn, actor, "sign_in.failed", address=address, step=step, known_device=device is not None,
                       **detail)
    window = policy.failure_window_seconds
    if user_known and await throttle_sql.failures_of_account(conn, account, window) >= policy.alert_failures \
            and not await throttle_sql.alerted_recently(conn, actor, window):
        await audit.record(conn, "anonymous", "sign_in.alert", target=actor, address=address,
                           reason="many failed sign-ins to this account", window_seconds=window)
    found = await throttle_sql.buckets(conn, account=account, address=address, device=None, free=policy.max_failures,
                                   address_free=policy.address_limit, window=window)
    if found[1].failures >= policy.address_limit and not await throttle_sql.alerted_recently(conn, f"address:{address}",
                                                                                          window):
        await audit.record(conn, "anonymous", "sign_in.alert", target=f"address:{address}", address=address,
                           reason="many failed sign-ins from this address", window_seconds=window)


async def sign_in(pool: asyncpg.Pool, policy: Policy, username: str, password: str, address: str,
                  device_token: str | None = None) -> str:
    """Password step: a new half session (second factor still to do); returns the cookie value.

    Throttled, never locked (``leap_uploader.domain.throttle``): while an attempt must wait, it is refused
    without checking the password (:class:`TooManyAttempts` says how long)."""
    account = username.strip().lower()[:64]
    async with pool.acquire() as conn, conn.transaction():
        user = await accounts_sql.by_username(conn, username, lock=True)
        device = await throttle_sql.known_device(conn, device_token, user["id"]) if user else None
        actor = f"user:{user['username']}" if user else "anonymous"
        wait = await _throttle_wait(conn, policy, account, address, device)
        if wait > 0:
            await audit.record(conn, actor, "sign_in.throttled", address=address, wait_seconds=wait,
                               known_device=device is not None)
            failure: Exception = TooManyAttempts(f"too many failed sign-ins: wait {wait} seconds and try again")
        else:
            good = passwords.verify_password(user["password_hash"] if user else passwords.DUMMY_HASH, password)
            if user is None or not good or user["disabled_at"] is not None:
                await _failed(conn, policy, account=account, address=address, device=device, actor=actor,
                              user_known=user is not None, step="password")
                failure = SignInRefused(WRONG)
            else:
                token = secrets.token_urlsafe(32)
                await accounts_sql.create_session(conn, _hash(token), user["id"], secrets.token_urlsafe(32),
                                              policy.half_session_seconds)
                await audit.record(conn, f"user:{user['username']}", "sign_in.password_ok", address=address,
                                   known_device=device is not None)
                return token
    raise failure


async def current(pool: asyncpg.Pool, policy: Policy, cookie: str | None) -> SessionUser | None:
    if not cookie:
        return None
    row = await accounts_sql.session_user(pool, _hash(cookie), policy.idle_seconds)
    if row is None:
        return None
    return SessionUser(row["id"], row["username"], row["role"], row["provider_id"], row["csrf_token"],
                       row["second_factor_done"], row["totp_secret"] is not None, row["token_hash"])


async def start_enrolment(pool: asyncpg.Pool, user: SessionUser) -> tuple[str, str]:
    """The secret to enrol (kept pending until a code confirms it): (secret, QR code SVG)."""
    row = await accounts_sql.by_id(pool, user.user_id)
    secret = row["totp_pending"]
    if secret is None:
        secret = totp.new_secret()
        await accounts_sql.set_pending_totp(pool, user.user_id, secret)
    return secret, totp.qr_svg(totp.provisioning_uri(secret, user.username))


async def second_factor(pool: asyncpg.Pool, policy: Policy, user: SessionUser, code: str, address: str,
                        device_token: str | None = None) -> tuple[str, str]:
    """Check the code (enrolling on first use); returns the new, full session's cookie value and the device
    cookie's (the one presented when it is this user's known device, else a new one)."""
    account = user.username.lower()
    async with pool.acquire() as conn, conn.transaction():
        row = await accounts_sql.by_id(conn, user.user_id, lock=True)
        device = await throttle_sql.known_device(conn, device_token, user.user_id)
        enrolling = row["totp_secret"] is None
        secret = row["totp_pending"] if enrolling else row["totp_secret"]
        step = totp.accepted_step(secret, code, row["totp_last_step"]) if secret else None
        if step is None:
            await _failed(conn, policy, account=account, address=address, device=device, actor=user.actor,
                          user_known=True, step="totp",
                          replayed=bool(secret and totp.accepted_step(secret, code, -1) is not None))
            if await accounts_sql.count_session_failure(conn, user.token_hash) >= policy.max_failures:
                await accounts_sql.delete_session(conn, user.token_hash)  # start again from the password
            failure = SignInRefused("the code is not right or was already used: wait for the next code and try again")
        else:
            if enrolling:
                await accounts_sql.confirm_totp(conn, user.user_id, secret, step)
                await audit.record(conn, user.actor, "totp.enrolled", address=address)
            else:
                await accounts_sql.use_totp_step(conn, user.user_id, step)
            await accounts_sql.clear_failures(conn, user.user_id)
            await throttle_sql.clear(conn, account=account, address=address, device=device)
            if device is None:
                device_token = secrets.token_urlsafe(32)
                await throttle_sql.remember_device(conn, device_token, user.user_id)
            token = secrets.token_urlsafe(32)
            await accounts_sql.complete_second_factor(conn, user.token_hash, _hash(token), policy.session_seconds)
            await audit.record(conn, user.actor, "sign_in.succeeded", address=address, known_device=device is not None)
            return token, device_token or ""
    raise failure


async def sign_out(pool: asyncpg.Pool, user: SessionUser, address: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await accounts_sql.delete_session(conn, user.token_hash)
        await audit.record(conn, user.actor, "sign_out", address=address)
