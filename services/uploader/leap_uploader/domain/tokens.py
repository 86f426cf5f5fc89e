"""API tokens: random, shown once, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "leap_"
_RANDOM_BYTES = 30  # 30 bytes -> exactly 40 url-safe base64 characters


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(_RANDOM_BYTES)


def hash_token(token: str) -> str:
    """What the database stores and looks up: the hex SHA-256 of the whole token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(value: str) -> bool:
    return value.startswith(PREFIX) and len(value) == len(PREFIX) + 40
