import uuid
from datetime import date

from leap_contracts.envelope import decode, encode, seal
from leap_contracts.events import RecordsValidatedV1, ValidatedRecord
from leap_uploader.domain.wire import encode_sealed


def test_one_pass_encoding_decodes_like_seal_then_encode():
    event = RecordsValidatedV1(upload_id=uuid.uuid4(), provider_id="p", service_code="CAN", chunk_index=0,
                               records=[ValidatedRecord(row_number=2, provider_record_id="Zoë", beneficiary_type="child",
                                                        engagement_date=date(2024, 5, 1), date_of_birth=date(2021, 1, 2))])
    event_id = uuid.uuid4()
    fast = decode(encode_sealed(event, producer="uploader", correlation_id="c", event_id=event_id))
    slow = decode(encode(seal(event, producer="uploader", correlation_id="c", event_id=event_id)))
    assert fast.model_dump(exclude={"occurred_at"}) == slow.model_dump(exclude={"occurred_at"})
    assert fast.occurred_at.tzinfo is not None
