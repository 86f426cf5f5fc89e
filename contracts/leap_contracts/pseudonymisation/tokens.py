"""Keyed tokens: HMAC-SHA256 with the programme key over labelled, length-prefixed fields.

The message for a token is ``leap-pseudo/<spec version>/<identifier type>``
followed by each field as ``<name>=<byte length>:<UTF-8 bytes>;``. The labels
keep identifier types apart, the lengths make concatenations unambiguous
(``"ab"+"c"`` and ``"a"+"bc"`` give different messages). Inputs must already be
normalised (see ``normalise.py``).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

SPEC_VERSION = "1"
_PREFIX = f"leap-pseudo/{SPEC_VERSION}/".encode()


def _message(label: str, fields: tuple[tuple[str, str], ...]) -> bytes:
    parts = [_PREFIX, label.encode()]
    for name, value in fields:
        data = value.encode("utf-8")
        parts.append(b"|%s=%d:%s;" % (name.encode(), len(data), data))
    return b"".join(parts)


def key_check_value(key: bytes) -> str:
    """A short value two parties compare to confirm they hold the same key, revealing nothing of it."""
    return hmac.new(key, _PREFIX + b"key-check-value", hashlib.sha256).hexdigest()[:12]


class Tokeniser:
    """Makes tokens with one key. Pre-keys HMAC once; each token costs one ``copy``."""

    def __init__(self, key: bytes, key_id: str) -> None:
        if len(key) < 32:
            raise ValueError("the pseudonymisation key must be at least 32 bytes")
        self.key_id = key_id
        self.spec_version = SPEC_VERSION
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)

    def token(self, label: str, *fields: tuple[str, str]) -> str:
        mac = self._keyed.copy()
        mac.update(_message(label, fields))
        return mac.hexdigest()

    def nhs_number(self, nhs_number: str) -> str:
        return self.token("nhs_number", ("nhs_number", nhs_number))

    def email(self, email: str) -> str:
        return self.token("email", ("email", email))

    def mobile(self, mobile: str) -> str:
        return self.token("mobile", ("mobile", mobile))

    def child_key(self, carer_email: str, date_of_birth: date, gender: str, first_name_prefix: str) -> str:
        return self.token(
            "child_key",
            ("carer_email", carer_email),
            ("date_of_birth", date_of_birth.isoformat()),
            ("gender", gender),
            ("first_name_prefix", first_name_prefix),
        )

    def provider_record_id(self, service_code: str, provider_record_id: str) -> str:
        return self.token(
            "provider_record_id",
            ("service_code", service_code),
            ("provider_record_id", provider_record_id),
        )
