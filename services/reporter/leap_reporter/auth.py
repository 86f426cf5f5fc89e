"""Who is asking: anonymous, analyst or admin, from a bearer token or the dashboard's session cookie.

TODO(shared identity): the uploader owns accounts with a password and TOTP second
factor. The reporter should accept that identity instead of these tokens: a
signed session (or short-lived bearer) issued by the uploader after both factors,
carrying the user id and a role (analyst/admin), verified here with a shared key.
Until then: ``REPORTER_ANALYST_TOKEN`` (when set) is required for pages and API,
and ``REPORTER_ADMIN_TOKEN`` makes the caller an admin (exact figures, extract).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Literal

from fastapi import Request

from leap_reporter.settings import Settings

Role = Literal["anonymous", "analyst", "admin"]
COOKIE = "leap_reporter_session"
SESSION_SECONDS = 8 * 3600


def _secret(settings: Settings) -> bytes:
    parts = [t.get_secret_value() for t in (settings.analyst_token, settings.admin_token) if t is not None]
    return hashlib.sha256("\x00".join(["leap-reporter-session", *parts]).encode()).digest()


def role_for_token(settings: Settings, token: str) -> Role | None:
    if settings.admin_token is not None and hmac.compare_digest(token, settings.admin_token.get_secret_value()):
        return "admin"
    if settings.analyst_token is not None and hmac.compare_digest(token, settings.analyst_token.get_secret_value()):
        return "analyst"
    return None


def session_cookie(settings: Settings, role: Role, now: float | None = None) -> str:
    expires = int((now or time.time()) + SESSION_SECONDS)
    body = f"{role}:{expires}"
    return f"{body}:{hmac.new(_secret(settings), body.encode(), hashlib.sha256).hexdigest()}"


def _from_cookie(settings: Settings, value: str) -> Role | None:
    role, _, rest = value.partition(":")
    expires, _, signature = rest.partition(":")
    expected = hmac.new(_secret(settings), f"{role}:{expires}".encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature, expected) or not expires.isdigit() or int(expires) < time.time():
        return None
    return role if role in ("analyst", "admin") else None  # type: ignore[return-value]


def role_of(request: Request, settings: Settings) -> Role | None:
    """The caller's role, or None when sign-in is required and missing or wrong."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return role_for_token(settings, header[7:].strip())
    cookie = request.cookies.get(COOKIE)
    if cookie:
        found = _from_cookie(settings, cookie)
        if found:
            return found
    return "anonymous" if settings.analyst_token is None else None
