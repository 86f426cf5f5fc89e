"""The read model's handlers without a database: what is acknowledged without a transaction, what is poison."""

import uuid
from datetime import date

import pytest

from leap_contracts.delivery.consumer import PoisonMessage
from leap_contracts.envelope import encode, receive, seal
from leap_contracts.events import (IndividualMatchedV1, IndividualsChangedV2, MatchedRecord, RecordsMatchedV1,
                                   UploadValidatedV1)
from leap_contracts.testing import FakeUnitOfWork

from leap_reporter.service.handlers import ReadModelBuilder

BUILDER = ReadModelBuilder(None)  # no pool: any transaction would fail


def received(event):
    """As the consumer hands it over: from the wire bytes (payload a dict)."""
    return receive(encode(seal(event, producer="matcher", correlation_id="c")))


async def test_individuals_changed_without_splits_or_relationships_needs_no_transaction():
    await BUILDER.on_individuals_changed(received(IndividualsChangedV2(upload_id=uuid.uuid4(), service_code="CAN")))


async def test_an_event_the_read_model_does_not_use_is_acknowledged_without_a_transaction():
    matched = IndividualMatchedV1(individual_ref="ind-1", upload_id=uuid.uuid4(), service_code="CAN", records=2,
                                  created=True, identifier_types=["email"])
    await BUILDER.on_beneficiary_event(received(matched))


async def test_an_event_on_another_topic_is_poison_before_any_transaction():
    validated = UploadValidatedV1(upload_id=uuid.uuid4(), provider_id="p", service_code="CAN", outcome="accepted",
                                  rows_total=1, rows_accepted=1, rows_rejected=0, chunk_count=1)
    for entry in (BUILDER.on_records_matched, BUILDER.on_beneficiary_event, BUILDER.on_individuals_changed,
                  BUILDER.on_upload_lifecycle):
        with pytest.raises(PoisonMessage):
            await entry(received(validated))


async def test_a_chunk_with_a_repeated_row_is_poison():
    record = MatchedRecord(row_number=2, individual_ref="a", beneficiary_type="child", engagement_date=date(2024, 1, 1),
                           attended=True)
    chunk = RecordsMatchedV1(upload_id=uuid.uuid4(), provider_id="p", service_code="CAN", chunk_index=0,
                             records=[record, record], new_individuals=0, matched_existing=2)
    with pytest.raises(PoisonMessage, match="row_number appears twice"):
        await FakeUnitOfWork().deliver(BUILDER.chunk_matched, chunk, plain=True)
