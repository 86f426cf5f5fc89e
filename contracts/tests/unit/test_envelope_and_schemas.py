import uuid
from datetime import UTC, datetime

from leap_contracts import schemagen
import orjson
import pytest
from pydantic import ValidationError

from leap_contracts.envelope import decode, encode, open_envelope, receive, seal, sealed
from leap_contracts.events import FileReceivedV1


def test_envelope_round_trip():
    event = FileReceivedV1(upload_id=uuid.uuid4(), provider_id="p1", service_code="CAN", file_format="csv",
                           size_bytes=10, sha256="0" * 64, received_at=datetime.now(UTC))
    envelope = seal(event, producer="uploader", correlation_id=str(event.upload_id))
    back = decode(encode(envelope))
    assert back.event_type == "FileReceivedV1" and back.version == 1
    assert open_envelope(back) == event


def test_receive_types_the_payload_in_one_pass_and_agrees_with_decode_then_open():
    event = FileReceivedV1(upload_id=uuid.uuid4(), provider_id="p1", service_code="CAN", file_format="csv",
                           size_bytes=10, sha256="0" * 64, received_at=datetime.now(UTC))
    raw = encode(seal(event, producer="uploader", correlation_id="c"))
    received = receive(raw)
    assert isinstance(received.payload, FileReceivedV1) and open_envelope(received) == event
    assert received.model_dump() == decode(raw).model_dump() | {"payload": event.model_dump()}
    assert encode(received) == raw  # a received envelope sent on again is the same bytes


@pytest.mark.parametrize("change", [{"event_type": "NoSuchEventV1"}, {"payload": {"upload_id": "not-a-uuid"}}])
def test_receive_leaves_an_invalid_event_to_open_envelope_whose_errors_read_as_before(change):
    event = FileReceivedV1(upload_id=uuid.uuid4(), provider_id="p1", service_code="CAN", file_format="csv",
                           size_bytes=10, sha256="0" * 64, received_at=datetime.now(UTC))
    raw = orjson.dumps(orjson.loads(encode(seal(event, producer="uploader", correlation_id="c"))) | change)
    received = receive(raw)
    assert received == decode(raw) and isinstance(received.payload, dict)
    with pytest.raises(ValueError) as refused:
        open_envelope(received)
    assert isinstance(refused.value, ValidationError) == ("payload" in change)
    with pytest.raises(ValueError):
        receive(b"not json")


def test_sealed_is_encode_of_seal_without_the_models():
    event = FileReceivedV1(upload_id=uuid.uuid4(), provider_id="p1", service_code="CAN", file_format="csv",
                           size_bytes=10, sha256="0" * 64, received_at=datetime.now(UTC))
    raw = sealed(FileReceivedV1, event.model_dump(mode="json"), producer="uploader", correlation_id="c")
    envelope = receive(raw)
    assert open_envelope(envelope) == event and envelope.producer == "uploader"
    assert raw == encode(seal(event, producer="uploader", correlation_id="c").model_copy(
        update={"event_id": envelope.event_id, "occurred_at": envelope.occurred_at}))


def test_the_wire_format_is_pydantic_json_whatever_the_encoder():
    event = FileReceivedV1(upload_id=uuid.uuid4(), provider_id="p1", service_code="CAN", file_format="csv",
                           size_bytes=10, sha256="0" * 64, received_at=datetime.now(UTC))
    for occurred in (datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)):
        envelope = seal(event, producer="uploader", correlation_id="c").model_copy(update={"occurred_at": occurred})
        assert encode(envelope) == envelope.model_dump_json().encode()


def test_committed_schemas_are_up_to_date():
    stale = [name for name, text in schemagen.render().items()
             if not (schemagen.SCHEMA_DIR / name).exists() or (schemagen.SCHEMA_DIR / name).read_text() != text]
    assert stale == [], f"run `python -m leap_contracts.schemagen`: stale {stale}"
