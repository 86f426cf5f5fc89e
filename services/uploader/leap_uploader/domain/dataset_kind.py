"""Which dataset an upload carries and whether its provider may send it (pure).

``services`` (the default): the code names a programme service the provider delivers. ``outcomes``: the code
names an outcome source (leap_contracts.outcomes) an admin has allowed the provider to send.
"""

from __future__ import annotations

from leap_contracts.catalogue import SERVICES
from leap_contracts.outcomes.catalogue import DATASET_KINDS, SOURCES


class UnknownUpload(ValueError):
    """The request names no dataset or code the platform knows (400)."""


class NotAllowed(PermissionError):
    """The provider may not send this (403); the message says why and who can change it."""


def dataset_of(text: str | None) -> str:
    kind = (text or "services").strip().lower() or "services"
    if kind not in DATASET_KINDS:
        raise UnknownUpload(f"unknown dataset '{text}': use services (the default) or outcomes")
    return kind


def check_code(kind: str, code: str, provider_id: str, services: frozenset[str], sources: frozenset[str]) -> None:
    if kind == "outcomes":
        if code not in SOURCES:
            raise UnknownUpload(f"unknown outcome source '{code}': use one of {', '.join(SOURCES)}")
        if code not in sources:
            raise NotAllowed(f"provider {provider_id} is not allowed to send outcome data of source {code}: "
                             "an admin must allow it first (outcome data is more sensitive than contacts)")
        return
    if code not in SERVICES:
        if code in SOURCES:
            raise UnknownUpload(f"'{code}' is an outcome source: send it with dataset=outcomes")
        raise UnknownUpload(f"unknown service code '{code}': use one of the programme's codes, e.g. CAN")
    if code not in services:
        raise NotAllowed(f"provider {provider_id} does not deliver service {code}, so it cannot upload for it")
