import uuid
from datetime import UTC, datetime

from leap_contracts import schemagen
from leap_contracts.envelope import decode, encode, open_envelope, seal
from leap_contracts.events import FileReceivedV1


def test_envelope_round_trip():
    event = FileReceivedV1(upload_id=uuid.uuid4(), provider_id="p1", service_code="CAN", file_format="csv",
                           size_bytes=10, sha256="0" * 64, received_at=datetime.now(UTC))
    envelope = seal(event, producer="uploader", correlation_id=str(event.upload_id))
    back = decode(encode(envelope))
    assert back.event_type == "FileReceivedV1" and back.version == 1
    assert open_envelope(back) == event


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
