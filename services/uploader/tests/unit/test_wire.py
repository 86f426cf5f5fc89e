import uuid
from datetime import date

from leap_contracts.envelope import decode, encode, open_envelope, seal
from leap_contracts.events import RecordsValidatedV1, ValidatedRecord
from leap_uploader.domain.wire import validated_chunk_payload

RECORDS = [ValidatedRecord(row_number=2, provider_record_id="Zoë", beneficiary_type="child",
                           engagement_date=date(2024, 5, 1), date_of_birth=date(2021, 1, 2)),
           ValidatedRecord(row_number=3, provider_record_id='a"b', beneficiary_type="adult",
                           engagement_date=date(2024, 5, 2))]


def test_a_chunk_payload_is_the_bytes_pydantic_writes_for_the_event():
    upload_id = uuid.uuid4()
    event = RecordsValidatedV1(upload_id=upload_id, provider_id="p\u00e9", service_code="CAN", chunk_index=7,
                               records=RECORDS)
    written = [r.__pydantic_serializer__.to_json(r) for r in RECORDS]
    payload = validated_chunk_payload(upload_id, "p\u00e9", "CAN", 7, written)
    assert payload == event.__pydantic_serializer__.to_json(event)


def test_the_payload_sealed_by_the_one_encoder_decodes_like_seal_then_encode():
    upload_id, event_id = uuid.uuid4(), uuid.uuid4()
    event = RecordsValidatedV1(upload_id=upload_id, provider_id="p", service_code="CAN", chunk_index=0,
                               records=RECORDS)
    payload = validated_chunk_payload(upload_id, "p", "CAN", 0, [r.__pydantic_serializer__.to_json(r) for r in RECORDS])
    fast = decode(encode(payload, model=RecordsValidatedV1, producer="uploader", correlation_id="c", event_id=event_id))
    slow = decode(encode(seal(event, producer="uploader", correlation_id="c", event_id=event_id)))
    assert fast.model_dump(exclude={"occurred_at"}) == slow.model_dump(exclude={"occurred_at"})
    assert open_envelope(fast) == event
