"""Single sign-on for the reporter: who may go there, where they may be sent back, and the signed assertion."""

from __future__ import annotations

from urllib.parse import urlsplit

import asyncpg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from leap_contracts import identity

from leap_uploader.adapters import audit
from leap_uploader.service.sign_in import SessionUser

AUDIENCE = "reporter"
REPORTER_ROLES = ("analyst", "admin")
AUDIENCES = ("reporter", "matcher")  # the services people reach with single sign-on (analysts and admins)


class NotAllowed(Exception):
    pass


CALLBACK = "/signin/callback"
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def _host_port(netloc: str, scheme: str) -> tuple[str, str]:
    host, _, port = netloc.lower().rpartition(":") if not netloc.endswith("]") else (netloc.lower(), "", "")
    if not host or not port.isdigit():
        host, port = netloc.lower(), {"http": "80", "https": "443"}.get(scheme, "")
    return host, port


def allowed_return(return_to: str, service_url: str) -> bool:
    """True when ``return_to`` is the service's sign-in callback (``<base>/signin/callback``, any query, same
    scheme, host and port): the one-time assertion can land nowhere else. The local platform's loopback
    names (127.0.0.1, localhost, [::1]) stand for one another, so a dashboard opened as localhost works."""
    if any(c in return_to for c in "\\\r\n\t ") or len(return_to) > 2000:
        return False
    target, base = urlsplit(return_to), urlsplit(service_url)
    if target.scheme != base.scheme or target.username or target.password or target.fragment:
        return False
    (target_host, target_port), (base_host, base_port) = (_host_port(target.netloc, target.scheme),
                                                          _host_port(base.netloc, base.scheme))
    same_host = target_host == base_host or (target_host in LOOPBACK and base_host in LOOPBACK)
    if not same_host or target_port != base_port:
        return False
    return target.path == base.path.rstrip("/") + CALLBACK


async def assertion_for_reporter(pool: asyncpg.Pool, key: Ed25519PrivateKey, user: SessionUser,
                                 address: str, audience: str = AUDIENCE) -> str:
    """A 60-second assertion of who ``user`` is, for the reporter; raises :class:`NotAllowed` for other roles."""
    if user.role not in REPORTER_ROLES:
        await audit.record(pool, user.actor, f"sso.{audience}_refused", address=address, role=user.role)
        raise NotAllowed("the reporting dashboard is for analysts and admins; your account is a provider's. "
                         "Ask an admin if you need access.")
    await audit.record(pool, user.actor, f"sso.{audience}", address=address, role=user.role)
    return identity.issue(key, user_id=user.user_id, username=user.username, role=user.role, audience=audience)
