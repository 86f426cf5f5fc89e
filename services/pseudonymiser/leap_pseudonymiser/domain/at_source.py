"""Pure rule: may an at-source chunk enter the pipeline? (key id, key check value, spec version)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from leap_contracts.events import AtSourceRejectedV1, RecordsPseudonymisedAtSourceV1, RecordsPseudonymisedV1
from leap_contracts.pseudonymisation import SPEC_VERSION


def check_at_source(event: RecordsPseudonymisedAtSourceV1,
                    key_check_values: Mapping[str, str]) -> RecordsPseudonymisedV1 | AtSourceRejectedV1:
    """``key_check_values``: key id -> check value of every key in the keyring (current and previous)."""
    rejection: tuple[Literal["unknown_key_id", "key_check_value_mismatch", "unsupported_spec_version"], str] | None = None
    if event.spec_version != SPEC_VERSION:
        rejection = ("unsupported_spec_version",
                     f"the file was pseudonymised with spec version {event.spec_version}; the platform uses "
                     f"version {SPEC_VERSION}: update the leap-pseudonymise tool and run it again")
    elif event.key_id not in key_check_values:
        rejection = ("unknown_key_id",
                     f"the file was pseudonymised with key id '{event.key_id}', which the platform does not hold "
                     f"(it holds: {', '.join(sorted(key_check_values))}); use the programme's current key")
    elif event.key_check_value != key_check_values[event.key_id]:
        rejection = ("key_check_value_mismatch",
                     f"the key used for key id '{event.key_id}' is not the platform's key of that id "
                     "(the key check values differ); obtain the correct key and run the tool again")
    if rejection:
        return AtSourceRejectedV1(upload_id=event.upload_id, provider_id=event.provider_id,
                                  service_code=event.service_code, chunk_index=event.chunk_index,
                                  code=rejection[0], reason=rejection[1])
    return RecordsPseudonymisedV1(upload_id=event.upload_id, provider_id=event.provider_id,
                                  service_code=event.service_code, chunk_index=event.chunk_index,
                                  spec_version=event.spec_version, key_id=event.key_id, records=event.records,
                                  dataset=event.dataset)
