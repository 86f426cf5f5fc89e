"""The handlers without a database (``leap_contracts.testing.FakeUnitOfWork``): what each publishes, where and
under which key, from a fake ward lookup."""

import uuid
from collections.abc import Iterable
from datetime import date

from leap_contracts import events
from leap_contracts.pseudonymisation import SPEC_VERSION, Tokeniser
from leap_contracts.testing import FakeUnitOfWork

from leap_pseudonymiser.service.handlers import Pseudonymiser

CURRENT, PREVIOUS = Tokeniser(b"c" * 32, "k2"), Tokeniser(b"p" * 32, "k1")
UPLOAD = uuid.uuid4()


class Wards:
    """The ward lookup, in memory; remembers what it was asked."""

    def __init__(self, table: dict[str, tuple[str, str]]) -> None:
        self.table, self.asked = table, []

    async def __call__(self, conn: object, postcodes: Iterable[str]) -> dict[str, tuple[str, str]]:
        self.asked.append(sorted(postcodes))
        return {p: self.table[p] for p in postcodes if p in self.table}


def validated(**record) -> events.RecordsValidatedV1:
    row = events.ValidatedRecord(row_number=2, provider_record_id="A1", beneficiary_type="adult",
                                 engagement_date=date(2024, 5, 1), **record)
    return events.RecordsValidatedV1(upload_id=UPLOAD, provider_id="p", service_code="CAN", chunk_index=5, records=[row])


def at_source(key_id: str, kcv: str) -> events.RecordsPseudonymisedAtSourceV1:
    record = events.PseudonymisedRecord(row_number=2, beneficiary_type="adult", engagement_date=date(2025, 1, 1),
                                        tokens=events.IdentifierTokens(provider_record_id="a" * 64))
    return events.RecordsPseudonymisedAtSourceV1(upload_id=UPLOAD, provider_id="p", service_code="DL", chunk_index=3,
                                                 spec_version=SPEC_VERSION, key_id=key_id, key_check_value=kcv,
                                                 records=[record])


async def test_a_validated_chunk_is_published_tokenised_keyed_by_chunk_and_without_a_clear_value():
    wards = Wards({"SW9 7AB": ("E05000425", "Stockwell")})
    service = Pseudonymiser(CURRENT, [PREVIOUS], match_keys=False, look_up_wards=wards)
    uow = FakeUnitOfWork(producer="pseudonymiser", correlation_id="upload-1", topic_prefix="run.")
    await uow.deliver(service.on_records_validated, validated(email="someone@home.net", postcode="sw97ab"), plain=True)
    [(topic, key, event)] = uow.published
    assert (topic, key) == ("run.records.pseudonymised.v1", f"{UPLOAD}:5") and wards.asked == [["SW9 7AB"]]
    assert isinstance(event, events.RecordsPseudonymisedV1) and event.key_id == "k2" and event.chunk_index == 5
    record = event.records[0]
    assert record.tokens.email == CURRENT.email("someone@home.net") and record.ward_name == "Stockwell"
    assert record.linking_tokens[0].tokens.email == PREVIOUS.email("someone@home.net")
    assert b"someone@home.net" not in uow.outbox.pending[0][2] and b"sw97ab" not in uow.outbox.pending[0][2]
    assert [(e.producer, e.correlation_id) for e in uow.envelopes] == [("pseudonymiser", "upload-1")]


async def test_an_at_source_chunk_is_forwarded_under_a_key_the_platform_holds_and_refused_otherwise():
    service = Pseudonymiser(CURRENT, [PREVIOUS], look_up_wards=Wards({}))
    uow = FakeUnitOfWork()
    await uow.deliver(service.on_records_at_source, at_source("k1", PREVIOUS.key_check_value))
    await uow.deliver(service.on_records_at_source, at_source("k2", PREVIOUS.key_check_value))
    (forward_topic, forward_key, forwarded), (refuse_topic, refuse_key, refused) = uow.published
    assert (forward_topic, forward_key) == ("records.pseudonymised.v1", f"{UPLOAD}:3")
    assert isinstance(forwarded, events.RecordsPseudonymisedV1) and forwarded.key_id == "k1"
    assert (refuse_topic, refuse_key) == ("uploads.at-source-rejected.v1", str(UPLOAD))
    assert isinstance(refused, events.AtSourceRejectedV1) and refused.code == "key_check_value_mismatch"
