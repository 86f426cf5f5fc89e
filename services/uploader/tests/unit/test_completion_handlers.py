"""The completion handlers without a database: a fake unit of work (leap_contracts.testing) and a fake store."""

import uuid
from datetime import UTC, date, datetime

from leap_contracts.events import AtSourceRejectedV1, MatchedRecord, OutcomesLinkedV1, RecordsMatchedV1, UploadReportableV1
from leap_contracts.testing import FakeUnitOfWork
from leap_uploader.service.handlers import Completion


class FakeUploads:
    def __init__(self, status: str = "processing", chunk_count: int = 2) -> None:
        self.row = {"status": status, "chunk_count": chunk_count}
        self.matched: set[int] = set()
        self.calls: list[tuple] = []

    async def lock(self, conn, upload_id):
        return self.row

    async def mark_chunk_matched(self, conn, upload_id, chunk_index):
        self.matched.add(chunk_index)

    async def count_matched(self, conn, upload_id):
        return len(self.matched)

    async def set_matched(self, conn, upload_id, matched, *, completed):
        self.row = {**self.row, "status": "completed" if completed else self.row["status"]}
        self.calls.append(("set_matched", matched, completed))

    async def reject_processing(self, conn, upload_id, reason):
        self.calls.append(("reject", reason))
        return True

    async def set_reportable(self, conn, upload_id, at):
        self.calls.append(("reportable", at))
        return True


def matched(upload_id: uuid.UUID, chunk_index: int) -> RecordsMatchedV1:
    return RecordsMatchedV1(upload_id=upload_id, provider_id="prov", service_code="CAN", chunk_index=chunk_index,
                            records=[MatchedRecord(row_number=2, individual_ref="ind-1", beneficiary_type="adult",
                                                   engagement_date=date(2024, 5, 12))],
                            new_individuals=1, matched_existing=0)


async def test_an_upload_completes_when_its_last_chunk_is_matched() -> None:
    store, upload_id = FakeUploads(), uuid.uuid4()
    completion = Completion(store)
    for index in (1, 1, 0):
        await FakeUnitOfWork().deliver(completion.on_records_matched, matched(upload_id, index), plain=True)
    assert store.calls == [("set_matched", 1, False), ("set_matched", 1, False), ("set_matched", 2, True)]


async def test_chunks_out_of_range_or_of_an_unvalidated_upload_change_nothing() -> None:
    store = FakeUploads()
    await FakeUnitOfWork().deliver(Completion(store).on_records_matched, matched(uuid.uuid4(), 2), plain=True)
    received = FakeUploads(status="received")
    linked = OutcomesLinkedV1(upload_id=uuid.uuid4(), provider_id="p", source_code="HV", chunk_index=0, records=[],
                              linked=0, unlinked=0, bridging=0)
    await FakeUnitOfWork().deliver(Completion(received).on_outcomes_linked, linked)
    assert store.calls == received.calls == []


async def test_refusals_and_reportable_moments_are_stored_and_nothing_is_published() -> None:
    store, upload_id, uow = FakeUploads(), uuid.uuid4(), FakeUnitOfWork()
    at = datetime(2026, 1, 2, tzinfo=UTC)
    await uow.deliver(Completion(store).on_at_source_rejected, AtSourceRejectedV1(
        upload_id=upload_id, provider_id="p", service_code="CAN", chunk_index=0, code="unknown_key_id", reason="why"))
    await uow.deliver(Completion(store).on_upload_reportable, UploadReportableV1(
        upload_id=upload_id, provider_id="p", service_code="CAN", records=3, reportable_at=at))
    assert store.calls == [("reject", "why"), ("reportable", at)]
    assert uow.published == []
