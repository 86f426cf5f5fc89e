"""Plain (msgspec Struct) validation of an event follows its model's rules exactly."""

import uuid
from datetime import date

import msgspec
import orjson
import pytest
from pydantic import ValidationError

from leap_contracts.envelope import Envelope, encode, seal
from leap_contracts.events import (
    CarerTokens,
    FileReceivedV1,
    IdentifierTokens,
    KeyedTokens,
    PseudonymisedRecord,
    RecordsPseudonymisedV1,
)
from leap_contracts.plain import open_plain, receiver

RECEIVE = receiver(RecordsPseudonymisedV1)


def chunk() -> RecordsPseudonymisedV1:
    token = "ab" * 32
    return RecordsPseudonymisedV1(
        upload_id=uuid.uuid4(), provider_id="p1", service_code="DL", chunk_index=3, spec_version="1", key_id="k1",
        records=[
            PseudonymisedRecord(row_number=2, beneficiary_type="child", tokens=IdentifierTokens(child_key=token),
                                carer_tokens=CarerTokens(email=token), birth_month="2024-05", gender="female",
                                engagement_date=date(2025, 1, 2), findings=["nhs_number_invalid"]),
            PseudonymisedRecord(row_number=3, beneficiary_type="adult", tokens=IdentifierTokens(email=token),
                                engagement_date=date(2025, 1, 3), attended=False,
                                linking_tokens=[KeyedTokens(key_id="k0", tokens=IdentifierTokens(email="cd" * 32))]),
        ])


def wire(event, **changes) -> bytes:
    message = orjson.loads(encode(seal(event, producer="test", correlation_id="c")))
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = message
        for step in parents:
            target = target[int(step)] if step.isdigit() else target[step]
        target[last] = value
    return orjson.dumps(message)


def test_a_received_chunk_is_the_models_own_python_dump():
    event = chunk()
    envelope = RECEIVE(wire(event))
    assert msgspec.to_builtins(open_plain(envelope, RecordsPseudonymisedV1)) == event.model_dump(mode="json")


def test_an_envelope_built_in_process_is_validated_by_open_plain():
    event = chunk()
    plain = open_plain(seal(event, producer="test", correlation_id="c"), RecordsPseudonymisedV1)
    assert msgspec.to_builtins(plain) == event.model_dump(mode="json")


def test_absent_fields_take_the_models_defaults():
    message = orjson.loads(wire(chunk()))
    for record in message["payload"]["records"]:
        del record["findings"], record["attended"], record["carer_tokens"]
    plain = open_plain(RECEIVE(orjson.dumps(message)), RecordsPseudonymisedV1)
    assert plain.records[0].findings == [] and plain.records[1].attended is True
    assert plain.records[0].carer_tokens.email is None


def test_a_token_with_a_final_newline_is_refused_as_the_model_refuses_it():
    raw = wire(chunk(), payload__records__0__tokens__child_key="ab" * 32 + "\n")
    with pytest.raises(ValidationError):
        open_plain(RECEIVE(raw), RecordsPseudonymisedV1)


@pytest.mark.parametrize("changes", [
    {"payload__records__0__birth_month": "2024-5"},
    {"payload__records__0__gender": "f"},
    {"payload__records__0__row_number": 0},
    {"payload__records__1__engagement_date": "2025-02-30"},
    {"payload__records__0__unexpected": 1},
    {"payload__records__0__tokens__nhs": "ab"},
    {"payload__records__0__tokens__child_key": "AB" * 32},      # a token is 64 lower-case hex digits
    {"payload__records__0__carer_tokens__email": "ab" * 31},
    {"payload__records__1__linking_tokens__0__tokens": None},
    {"payload__chunk_index": -1},
    {"payload__upload_id": "not-a-uuid"},
])
def test_refuses_what_the_model_refuses_with_the_same_errors(changes):
    raw = wire(chunk(), **changes)
    with pytest.raises(ValidationError) as model_refusal:
        RecordsPseudonymisedV1.model_validate(orjson.loads(raw)["payload"])
    with pytest.raises(ValidationError) as plain_refusal:
        open_plain(RECEIVE(raw), RecordsPseudonymisedV1)
    assert plain_refusal.value.errors() == model_refusal.value.errors()


def test_another_event_is_refused():
    other = FileReceivedV1(upload_id=uuid.uuid4(), provider_id="p1", service_code="CAN", file_format="csv",
                           size_bytes=10, sha256="0" * 64, received_at="2026-01-01T00:00:00Z")
    envelope = RECEIVE(encode(seal(other, producer="test", correlation_id="c")))
    assert isinstance(envelope, Envelope)
    with pytest.raises(ValueError, match="expected RecordsPseudonymisedV1"):
        open_plain(envelope, RecordsPseudonymisedV1)
