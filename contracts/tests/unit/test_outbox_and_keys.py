"""Events carry their own key; the one encoder writes every form alike; the outbox names topic, key, producer."""

import uuid
from datetime import UTC, date, datetime

import pytest

from leap_contracts import topics
from leap_contracts.envelope import decode, encode, open_envelope, receive, seal, sealed
from leap_contracts.events import (
    AtSourceRejectedV1,
    FileReceivedV1,
    IdentifierTokens,
    LinkageQualityMeasuredV1,
    PseudonymisedRecord,
    RecordsPseudonymisedAtSourceV1,
    RecordsPseudonymisedV1,
    RecordsValidatedV1,
    UploadReportableV1,
    ValidatedRecord,
)
from leap_contracts.sessions.revocation import SessionsEndedV1
from leap_contracts.testing import FakeUnitOfWork

UPLOAD = uuid.uuid4()
RECORD = PseudonymisedRecord(row_number=2, beneficiary_type="adult", engagement_date=date(2025, 1, 1),
                             tokens=IdentifierTokens(provider_record_id="a" * 64))


def chunk(index: int = 3) -> RecordsPseudonymisedV1:
    return RecordsPseudonymisedV1(upload_id=UPLOAD, provider_id="p", service_code="CAN", chunk_index=index,
                                  spec_version="1", key_id="k1", records=[RECORD])


def received() -> FileReceivedV1:
    return FileReceivedV1(upload_id=UPLOAD, provider_id="p1", service_code="CAN", file_format="csv",
                          size_bytes=10, sha256="0" * 64, received_at=datetime.now(UTC))


def test_events_carry_the_keys_their_producers_always_wrote():
    validated = RecordsValidatedV1(upload_id=UPLOAD, provider_id="p", service_code="CAN", chunk_index=7,
                                   records=[ValidatedRecord(row_number=2, provider_record_id="A1",
                                                            beneficiary_type="adult",
                                                            engagement_date=date(2024, 5, 1))])
    at_source = RecordsPseudonymisedAtSourceV1(upload_id=UPLOAD, provider_id="p", service_code="CAN", chunk_index=7,
                                               spec_version="1", key_id="k", key_check_value="0" * 12, records=[RECORD])
    rejected = AtSourceRejectedV1(upload_id=UPLOAD, provider_id="p", service_code="CAN", chunk_index=7,
                                  code="unknown_key_id", reason="r")
    quality = LinkageQualityMeasuredV1(measured_at=datetime.now(UTC), version=1, exact_individuals=0,
                                       tolerant_individuals=0, pending_reviews=0, individuals_with_two_nhs_numbers=0,
                                       identifiers_across_birth_months=0)
    assert validated.key() == topics.chunk_key(UPLOAD, 7) and chunk(3).key() == topics.chunk_key(UPLOAD, 3)
    assert at_source.key() == rejected.key() == received().key() == str(UPLOAD)  # upload-level topics
    reportable = UploadReportableV1(upload_id=UPLOAD, provider_id="p", service_code="C", records=1,
                                    reportable_at=datetime.now(UTC))
    assert reportable.key() == str(UPLOAD)
    assert quality.key() == "matcher"
    # the fast path's JSON-ready payloads give the same keys
    assert RecordsPseudonymisedV1.key_of(chunk(3).model_dump(mode="json")) == chunk(3).key()
    assert FileReceivedV1.key_of(received().model_dump(mode="json")) == str(UPLOAD)


def test_an_event_missing_its_key_says_so_rather_than_keying_by_none():
    with pytest.raises(ValueError, match="user_id"):
        SessionsEndedV1(user_id=None, reason="all_ended_by_admin", ended_at=datetime.now(UTC)).key()


@pytest.mark.parametrize("event", [received(), chunk()], ids=["file-received", "chunk"])
def test_one_encoder_writes_events_and_payloads_as_seal_then_encode_does(event):
    raw = encode(event, producer="uploader", correlation_id="c")
    envelope = receive(raw)
    assert open_envelope(envelope) == event and envelope.producer == "uploader" and envelope.correlation_id == "c"
    same = {"event_id": envelope.event_id, "occurred_at": envelope.occurred_at}
    assert raw == encode(seal(event, producer="uploader", correlation_id="c").model_copy(update=same))
    payload = event.model_dump(mode="json")
    from_dict = encode(payload, model=type(event), producer="uploader", correlation_id="c", event_id=envelope.event_id)
    from_bytes = encode(event.model_dump_json().encode(), model=type(event), producer="uploader", correlation_id="c",
                        event_id=envelope.event_id)
    for fast in (from_dict, from_bytes, sealed(type(event), payload, producer="uploader", correlation_id="c")):
        assert decode(fast).model_copy(update=same) == decode(raw).model_copy(update={"payload": payload, **same})


def test_encoding_an_event_needs_its_producer_and_correlation_id():
    with pytest.raises(TypeError):
        encode(received())  # type: ignore[call-overload]


async def test_the_outbox_takes_topic_key_producer_and_correlation_from_the_event_and_its_unit_of_work():
    uow = FakeUnitOfWork(producer="pseudonymiser", correlation_id="upload-1", topic_prefix="run7.")

    async def handle(event: RecordsValidatedV1, uow: FakeUnitOfWork) -> None:
        uow.outbox.add(chunk(event.chunk_index))
        uow.outbox.add_payload(AtSourceRejectedV1, {"upload_id": str(UPLOAD), "provider_id": "p", "service_code": "C",
                                                    "chunk_index": 0, "code": "unknown_key_id", "reason": "r"})

    validated = RecordsValidatedV1(upload_id=UPLOAD, provider_id="p", service_code="CAN", chunk_index=4, records=[])
    await uow.deliver(handle, validated)
    assert [(topic, key) for topic, key, _ in uow.published] == [
        ("run7.records.pseudonymised.v1", f"{UPLOAD}:4"), ("run7.uploads.at-source-rejected.v1", str(UPLOAD))]
    assert uow.published[0][2] == chunk(4)
    assert {(e.producer, e.correlation_id) for e in uow.envelopes} == {("pseudonymiser", "upload-1")}
    assert uow.envelope is not None and uow.envelope.correlation_id == "upload-1"
    with pytest.raises(RuntimeError, match="no database"):
        await uow.conn.fetch("SELECT 1")
