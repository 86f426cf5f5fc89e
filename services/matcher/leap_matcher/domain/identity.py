"""How individuals and tokens are named and kept (pure): an individual's reference, a record's tokens
packed as stored, and what the identifier index knows of a token."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

TOKEN_BYTES = 32
"""A token's length: HMAC-SHA256, pinned by the contract to 64 hex digits."""


def reference(individual_id: int) -> str:
    """The persistent reference of an individual, shown to every other service."""
    return f"IND-{individual_id:010d}"


def individual_id(ref: str) -> int | None:
    if not ref.startswith("IND-") or not ref[4:].isdigit():
        return None
    return int(ref[4:])


def packed(tokens: Sequence[bytes]) -> bytes:
    """A record's tokens as stored: one bytea, the tokens back to back."""
    return b"".join(tokens)


def unpacked(tokens: bytes) -> list[bytes]:
    return [tokens[i:i + TOKEN_BYTES] for i in range(0, len(tokens), TOKEN_BYTES)]


class KnownToken(NamedTuple):
    """A token the identifier index holds already."""
    individual_id: int | None
    """None once quarantined: a junk token belongs to nobody."""
    quarantined: bool
    providers: tuple[str, ...]
    birth_months: tuple[str, ...]
    version: int
    """The row's ``xmin``: every update of the row (a merge, a split, statistics, quarantine) changes it."""
