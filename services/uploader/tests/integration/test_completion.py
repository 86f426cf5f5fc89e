import uuid
from datetime import date

import pytest

from leap_contracts.envelope import seal
from leap_contracts.events import MatchedRecord, RecordsMatchedV1

pytestmark = pytest.mark.integration

CSV = ("provider_record_id,beneficiary_type,engagement_date\n"
       + "".join(f"P{i},adult,2024-05-12\n" for i in range(2100))).encode()


def matched(upload_id: uuid.UUID, chunk_index: int):
    event = RecordsMatchedV1(
        upload_id=upload_id, provider_id="prov", service_code="CAN", chunk_index=chunk_index,
        records=[MatchedRecord(row_number=2, individual_ref="ind-1", beneficiary_type="adult",
                               engagement_date=date(2024, 5, 12))],
        new_individuals=1, matched_existing=0,
    )
    return seal(event, producer="matcher", correlation_id=str(upload_id))


async def state(h, upload_id):
    row = await h.upload_row(upload_id)
    return row["status"], row["chunks_matched"]


async def test_upload_completes_once_every_chunk_is_matched(h, services, make_provider) -> None:
    upload_id = await h.upload(await make_provider("prov", "CAN"), CSV)
    await services.validation.on_file_received(await h.file_received(upload_id))
    assert (await h.upload_row(upload_id))["chunk_count"] == 3
    on_matched = services.handlers.deliver

    first = matched(upload_id, 0)
    await on_matched(first)
    await on_matched(first)  # redelivery: the inbox skips it
    await on_matched(matched(upload_id, 0))  # same chunk, new event id: counted once
    await on_matched(matched(upload_id, 2))
    assert await state(h, upload_id) == ("processing", 2)
    await on_matched(matched(upload_id, 1))
    assert await state(h, upload_id) == ("completed", 3)
    await on_matched(matched(upload_id, 1))
    assert await state(h, upload_id) == ("completed", 3)
    assert await h.pool.fetchval("SELECT count(*) FROM matched_chunks") == 3


async def test_chunks_of_unknown_or_unvalidated_uploads_are_ignored(h, services, make_provider) -> None:
    upload_id = await h.upload(await make_provider("prov", "CAN"), CSV)
    await services.handlers.deliver(matched(upload_id, 0))  # still 'received'
    await services.handlers.deliver(matched(uuid.uuid4(), 0))
    assert await state(h, upload_id) == ("received", 0)
    assert await h.pool.fetchval("SELECT count(*) FROM matched_chunks") == 0
    assert await h.pool.fetchval("SELECT count(*) FROM inbox") == 2


async def test_a_refused_at_source_upload_is_rejected_with_the_reason(h, services, make_provider) -> None:
    from leap_contracts.events import AtSourceRejectedV1

    upload_id = await h.upload(await make_provider("prov", "CAN"), CSV)
    await services.validation.on_file_received(await h.file_received(upload_id))
    refusal = seal(AtSourceRejectedV1(upload_id=upload_id, provider_id="prov", service_code="CAN", chunk_index=0,
                                      code="unknown_key_id", reason="the file was pseudonymised with key id 'x', "
                                      "which this platform does not hold"), producer="pseudonymiser",
                   correlation_id=str(upload_id))
    await services.handlers.deliver(refusal)
    await services.handlers.deliver(refusal)  # redelivery changes nothing
    row = await h.upload_row(upload_id)
    assert row["status"] == "rejected" and "key id" in row["rejection_reason"]
