"""Who is asking: anonymous, analyst or admin, from a bearer token or the dashboard's session cookie.

People sign in at the uploader (password and TOTP; it is the identity provider). With
``REPORTER_IDENTITY_PUBLIC_KEY`` set, ``/signin`` sends them to ``REPORTER_SIGN_IN_URL``
(the uploader's ``/sso/reporter``), which sends them back to ``/signin/callback`` (that path only)
with a 60-second Ed25519-signed assertion (``leap_contracts.identity``): it is verified here
(signature, audience ``reporter``, expiry, a nonce never seen before) and replaced by a
**server-side** session (``leap_contracts.sessions.store``, 8 hours): the cookie holds a random
value, ``reporter.people_session`` its hash. Signing out deletes the row, an admin can end every
session (``POST /sessions/end-all``), and the uploader's ``SessionsEndedV1`` (a person disabled,
their role changed, password or second factor reset, or everyone's sessions ended) deletes them too.

``REPORTER_ANALYST_TOKEN`` / ``REPORTER_ADMIN_TOKEN`` stay as bearer tokens for scripts.
Without the identity key the tokens are also the people's sign-in (``/signin`` form),
and with neither the reporter is open (local demo).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Literal

import asyncpg
from fastapi import Request

from leap_contracts import identity
from leap_contracts.sessions import store
from leap_contracts.sessions.store import PersonSession

from leap_reporter.adapters import signin_nonces
from leap_reporter.api import deps
from leap_reporter.settings import Settings

Role = Literal["anonymous", "analyst", "admin"]
COOKIE = "leap_reporter_session"
SESSION_SECONDS = 8 * 3600
AUDIENCE = "reporter"
PEOPLE_ROLES = ("analyst", "admin")


@dataclass(frozen=True)
class Caller:
    role: Role | None
    session: PersonSession | None = None


def single_sign_on(settings: Settings) -> bool:
    return settings.identity_public_key is not None


def role_for_token(settings: Settings, token: str) -> Role | None:
    if settings.admin_token is not None and hmac.compare_digest(token, settings.admin_token.get_secret_value()):
        return "admin"
    if settings.analyst_token is not None and hmac.compare_digest(token, settings.analyst_token.get_secret_value()):
        return "analyst"
    return None


async def caller(request: Request) -> Caller:
    """The caller's role (None when sign-in is required and missing or wrong) and their session, if any."""
    settings = deps.settings(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return Caller(role_for_token(settings, header[7:].strip()))
    cookie = request.cookies.get(COOKIE)
    session = await store.find(deps.pool(request), cookie) if cookie else None
    if session and session.role in PEOPLE_ROLES:
        return Caller(session.role, session)  # type: ignore[arg-type]
    open_demo = settings.analyst_token is None and not single_sign_on(settings)
    return Caller("anonymous" if open_demo else None)


async def role_of(request: Request) -> Role | None:
    return (await caller(request)).role


def cookie_secure(request: Request) -> bool:
    """``Secure`` when the request came over https (a trusted proxy's X-Forwarded-Proto counts:
    ``REPORTER_FORWARDED_ALLOW_IPS``), or always with ``REPORTER_COOKIE_SECURE=true``."""
    return bool(deps.settings(request).cookie_secure) or request.url.scheme == "https"


class SignInRefused(Exception):
    """The assertion is not valid, not for a reporter role, or already used; the message says which."""


async def session_from_assertion(pool: asyncpg.Pool, settings: Settings, assertion: str) -> tuple[str, PersonSession]:
    """Check the uploader's assertion, spend its nonce (one use only) and open a session: (cookie, session).
    Raises :class:`SignInRefused`."""
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
    return await store.open_session(pool, user_id=claims.sub, username=claims.username, role=claims.role,
                                    seconds=SESSION_SECONDS)


async def session_for_token(pool: asyncpg.Pool, role: Role) -> tuple[str, PersonSession]:
    """A session for someone who signed in with a token (no single sign-on)."""
    return await store.open_session(pool, user_id=store.TOKEN_USER, username=f"{role} token", role=role,
                                    seconds=SESSION_SECONDS)
