"""Sign-in assertions: the uploader (identity provider) vouches for a person to another service.

After a full two-factor sign-in the uploader signs a short-lived assertion with its
Ed25519 private key; the receiving service holds only the public key. Wire format
(URL-safe, no padding): ``base64url(json claims) "." base64url(signature over the first part)``.
Claims: ``sub`` (user id), ``username``, ``role``, ``aud``, ``iat``, ``exp`` (Unix seconds), ``nonce``.
The receiver must also refuse a nonce it has seen before (:func:`verify` cannot know).

Keys travel in settings as base64 of the raw 32 bytes (one line, fits an env file) or as PEM.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from dataclasses import asdict, dataclass

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

LIFETIME_SECONDS = 60
CLOCK_SKEW_SECONDS = 5


class InvalidAssertion(ValueError):
    """The assertion is malformed, forged, for someone else, or expired; the message says which (no claims)."""


@dataclass(frozen=True)
class Assertion:
    sub: str
    username: str
    role: str
    aud: str
    iat: int
    exp: int
    nonce: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key_bytes(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"{what} must be PEM or base64 of 32 raw bytes") from exc
    if len(raw) != 32:
        raise ValueError(f"{what} must decode to exactly 32 bytes (an Ed25519 key)")
    return raw


def load_private_key(text: str) -> Ed25519PrivateKey:
    if text.lstrip().startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the identity signing key must be an Ed25519 key")
        return key
    return Ed25519PrivateKey.from_private_bytes(_key_bytes(text, "the identity signing key"))


def load_public_key(text: str) -> Ed25519PublicKey:
    if text.lstrip().startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the identity public key must be an Ed25519 key")
        return key
    return Ed25519PublicKey.from_public_bytes(_key_bytes(text, "the identity public key"))


def new_key_pair() -> tuple[str, str]:
    """(private, public), each base64 of the raw 32 bytes: what the install step writes to the env file."""
    key = Ed25519PrivateKey.generate()
    raw = serialization.Encoding.Raw
    private = key.private_bytes(raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return base64.b64encode(private).decode(), base64.b64encode(key.public_key().public_bytes(
        raw, serialization.PublicFormat.Raw)).decode()


def issue(key: Ed25519PrivateKey, *, user_id: int | str, username: str, role: str, audience: str,
          now: float | None = None, lifetime: int = LIFETIME_SECONDS) -> str:
    issued = int(now if now is not None else time.time())
    claims = Assertion(sub=str(user_id), username=username, role=role, aud=audience, iat=issued,
                       exp=issued + lifetime, nonce=secrets.token_urlsafe(16))
    body = _b64(orjson.dumps(asdict(claims)))
    return f"{body}.{_b64(key.sign(body.encode()))}"


def verify(key: Ed25519PublicKey, token: str, *, audience: str, now: float | None = None) -> Assertion:
    """The claims of a genuine, current assertion for ``audience``; raises :class:`InvalidAssertion`."""
    body, dot, signature = token.strip().partition(".")
    if not dot or not body or not signature:
        raise InvalidAssertion("the sign-in assertion is malformed")
    try:
        key.verify(_unb64(signature), body.encode())
    except (InvalidSignature, binascii.Error, ValueError) as exc:
        raise InvalidAssertion("the sign-in assertion's signature is not valid") from exc
    try:
        claims = Assertion(**orjson.loads(_unb64(body)))
    except (orjson.JSONDecodeError, TypeError, ValueError) as exc:
        raise InvalidAssertion("the sign-in assertion's claims are malformed") from exc
    if claims.aud != audience:
        raise InvalidAssertion("the sign-in assertion is for another service")
    moment = now if now is not None else time.time()
    if claims.exp < moment or claims.iat > moment + CLOCK_SKEW_SECONDS:
        raise InvalidAssertion("the sign-in assertion has expired: sign in again")
    return claims


def local_path(next: str | None) -> str:
    """``next`` when it is a path on this site, else ``/``: where a sign-in may send the browser
    afterwards without becoming an open redirect."""
    if next and next.startswith("/") and not next.startswith("//") and not any(c in next for c in "\\\r\n\t"):
        return next
    return "/"
