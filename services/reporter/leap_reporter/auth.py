"""Who is asking: anonymous, analyst or admin, from a bearer token or the dashboard's signed session cookie.

People sign in at the uploader (password and TOTP; it is the identity provider). With
``REPORTER_IDENTITY_PUBLIC_KEY`` set, ``/signin`` sends them to ``REPORTER_SIGN_IN_URL``
(the uploader's ``/sso/reporter``), which sends them back to ``/signin/callback`` with a
60-second Ed25519-signed assertion (``leap_contracts.identity``): it is verified here
(signature, audience ``reporter``, expiry, a nonce never seen before) and replaced by
our own session cookie (username, role, 8 hours) signed with ``REPORTER_SESSION_KEY``.

``REPORTER_ANALYST_TOKEN`` / ``REPORTER_ADMIN_TOKEN`` stay as bearer tokens for scripts.
Without the identity key the tokens are also the people's sign-in (``/signin`` form),
and with neither the reporter is open (local demo).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Literal

import asyncpg
import orjson
from fastapi import Request

from leap_contracts import identity

from leap_reporter.adapters import signin_nonces
from leap_reporter.settings import Settings

Role = Literal["anonymous", "analyst", "admin"]
COOKIE = "leap_reporter_session"
SESSION_SECONDS = 8 * 3600
AUDIENCE = "reporter"
PEOPLE_ROLES = ("analyst", "admin")


@dataclass(frozen=True)
class Session:
    username: str
    role: Role


def single_sign_on(settings: Settings) -> bool:
    return settings.identity_public_key is not None


def _secret(settings: Settings) -> bytes:
    if settings.session_key is not None:
        parts = [settings.session_key.get_secret_value()]
    else:  # token sign-in: a new token invalidates old sessions
        parts = [t.get_secret_value() for t in (settings.analyst_token, settings.admin_token) if t is not None]
    return hashlib.sha256("\x00".join(["leap-reporter-session", *parts]).encode()).digest()


def role_for_token(settings: Settings, token: str) -> Role | None:
    if settings.admin_token is not None and hmac.compare_digest(token, settings.admin_token.get_secret_value()):
        return "admin"
    if settings.analyst_token is not None and hmac.compare_digest(token, settings.analyst_token.get_secret_value()):
        return "analyst"
    return None


def session_cookie(settings: Settings, role: Role, username: str = "", now: float | None = None) -> str:
    expires = int((now or time.time()) + SESSION_SECONDS)
    body = base64.urlsafe_b64encode(orjson.dumps({"u": username, "r": role, "e": expires})).decode()
    return f"{body}.{hmac.new(_secret(settings), body.encode(), hashlib.sha256).hexdigest()}"


def session_from_cookie(settings: Settings, value: str) -> Session | None:
    body, _, signature = value.partition(".")
    expected = hmac.new(_secret(settings), body.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature, expected):
        return None
    try:
        claims = orjson.loads(base64.urlsafe_b64decode(body))
        username, role, expires = str(claims["u"]), claims["r"], int(claims["e"])
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        return None
    if expires < time.time() or role not in PEOPLE_ROLES:
        return None
    return Session(username, role)


def role_of(request: Request, settings: Settings) -> Role | None:
    """The caller's role, or None when sign-in is required and missing or wrong."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return role_for_token(settings, header[7:].strip())
    cookie = request.cookies.get(COOKIE)
    session = session_from_cookie(settings, cookie) if cookie else None
    if session:
        return session.role
    open_demo = settings.analyst_token is None and not single_sign_on(settings)
    return "anonymous" if open_demo else None


class SignInRefused(Exception):
    """The assertion is not valid, not for a reporter role, or already used; the message says which."""


async def session_from_assertion(pool: asyncpg.Pool, settings: Settings, assertion: str) -> Session:
    """Check the uploader's assertion and spend its nonce (one use only); raises :class:`SignInRefused`."""
    key = settings.identity_key
    if key is None:
        raise SignInRefused("sign-in through the uploader is not set up here")
    try:
        claims = identity.verify(key, assertion, audience=AUDIENCE)
    except identity.InvalidAssertion as exc:
        raise SignInRefused(str(exc)) from exc
    if claims.role not in PEOPLE_ROLES:
        raise SignInRefused("the dashboard is for analysts and admins")
    if not await signin_nonces.spend(pool, claims.nonce, claims.exp):
        raise SignInRefused("this sign-in link was already used: sign in again")
    return Session(claims.username, claims.role)  # type: ignore[arg-type]
