"""How every Kafka client of the platform authenticates: nothing locally, SASL/SCRAM in production.

Production brokers (deploy/compose, Strimzi in deploy/k8s) admit each service as its own SCRAM user, and Kafka
ACLs keep the restricted topics to the restricted zone's users. The credentials come from the environment, read
when a client is made (never at import):

``LEAP_KAFKA_SASL_USERNAME``, ``LEAP_KAFKA_SASL_PASSWORD`` (or ``LEAP_KAFKA_SASL_PASSWORD_FILE``, a mounted
secret), ``LEAP_KAFKA_SASL_MECHANISM`` (``SCRAM-SHA-512``, the default, or ``SCRAM-SHA-256``). Unset: plaintext.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _credentials() -> tuple[str, str, str] | None:
    username = os.environ.get("LEAP_KAFKA_SASL_USERNAME")
    if not username:
        return None
    password = os.environ.get("LEAP_KAFKA_SASL_PASSWORD")
    if password is None and (path := os.environ.get("LEAP_KAFKA_SASL_PASSWORD_FILE")):
        password = Path(path).read_text().strip()
    if not password:
        raise ValueError("LEAP_KAFKA_SASL_USERNAME is set: set LEAP_KAFKA_SASL_PASSWORD or LEAP_KAFKA_SASL_PASSWORD_FILE")
    mechanism = os.environ.get("LEAP_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    if mechanism not in ("SCRAM-SHA-512", "SCRAM-SHA-256"):
        raise ValueError("LEAP_KAFKA_SASL_MECHANISM must be SCRAM-SHA-512 or SCRAM-SHA-256")
    return username, password, mechanism


def client_options() -> dict[str, Any]:
    """Keyword arguments for aiokafka's producers, consumers and admin clients."""
    found = _credentials()
    if found is None:
        return {}
    username, password, mechanism = found
    return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": mechanism,
            "sasl_plain_username": username, "sasl_plain_password": password}


def broker_security() -> Any:
    """The ``security`` of a FastStream ``KafkaBroker`` (None: plaintext)."""
    found = _credentials()
    if found is None:
        return None
    from faststream.security import SASLScram256, SASLScram512

    username, password, mechanism = found
    scram = SASLScram512 if mechanism == "SCRAM-SHA-512" else SASLScram256
    return scram(username=username, password=password, use_ssl=False)
