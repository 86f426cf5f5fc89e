"""Keys come from configuration only: the current key plus, during a rotation, previous keys.

``PSEUDONYMISER_KEY`` (hex, >= 32 bytes) and ``PSEUDONYMISER_KEY_ID`` name the
current key; ``PSEUDONYMISER_PREVIOUS_KEYS`` optionally lists previous keys as
``key_id:hex[,key_id:hex...]``. Records are tokenised under the current key and,
as linking tokens, under every previous key (docs/pseudonymisation-spec.md, "Key rotation").
"""

from __future__ import annotations

from leap_contracts.pseudonymisation.tokens import Tokeniser


def parse_key(hex_key: str, what: str = "key") -> bytes:
    try:
        raw = bytes.fromhex(hex_key.strip())
    except ValueError as exc:
        raise ValueError(f"the {what} must be hex") from exc
    if len(raw) < 32:
        raise ValueError(f"the {what} must hold at least 32 bytes (64 hex characters)")
    return raw


def parse_previous_keys(spec: str) -> list[Tokeniser]:
    """``id:hex,id:hex`` -> tokenisers, in the order given; error messages never contain key material."""
    keys = []
    for number, item in enumerate(p for p in spec.split(",") if p.strip()):
        key_id, sep, hex_key = item.strip().partition(":")
        if not sep or not key_id:
            raise ValueError(f"previous key {number + 1} must be written key_id:hex")
        keys.append(Tokeniser(parse_key(hex_key, f"previous key '{key_id}'"), key_id))
    if len({k.key_id for k in keys}) != len(keys):
        raise ValueError("previous keys must have distinct key ids")
    return keys
