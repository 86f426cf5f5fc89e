"""Single sign-on for the reporter: who may go there, where they may be sent back, and the signed assertion."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import asyncpg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from leap_contracts import identity

from leap_uploader.adapters import audit
from leap_uploader.service.accounts import SessionUser

AUDIENCE = "reporter"
REPORTER_ROLES = ("analyst", "admin")


class NotAllowed(Exception):
    pass


def allowed_return(return_to: str, reporter_url: str) -> bool:
    """True when ``return_to`` is on the reporter (same scheme, host and port, under its path): no open redirect."""
    if any(c in return_to for c in "\\\r\n\t ") or len(return_to) > 2000:
        return False
    target, base = urlsplit(return_to), urlsplit(reporter_url)
    if (target.scheme, target.netloc) != (base.scheme, base.netloc) or target.username or target.fragment:
        return False
    if {".", ".."} & set(unquote(target.path).split("/")):
        return False  # a browser resolves dot segments: /reporter/../other-app would leave the reporter
    prefix = base.path.rstrip("/") + "/"
    return (target.path or "/").startswith(prefix) or target.path == base.path


async def assertion_for_reporter(pool: asyncpg.Pool, key: Ed25519PrivateKey, user: SessionUser,
                                 address: str) -> str:
    """A 60-second assertion of who ``user`` is, for the reporter; raises :class:`NotAllowed` for other roles."""
    if user.role not in REPORTER_ROLES:
        await audit.record(pool, user.actor, "sso.reporter_refused", address=address, role=user.role)
        raise NotAllowed("the reporting dashboard is for analysts and admins; your account is a provider's. "
                         "Ask an admin if you need access.")
    await audit.record(pool, user.actor, "sso.reporter", address=address, role=user.role)
    return identity.issue(key, user_id=user.user_id, username=user.username, role=user.role, audience=AUDIENCE)
