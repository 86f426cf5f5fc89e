"""Typed handlers on the real PostgreSQL: the event typed, the inbox claimed once, the outbox in the same
transaction, other event types poisoned in one place, races tried again."""

import uuid
from datetime import UTC, datetime

import asyncpg
import pytest

from leap_contracts import topics
from leap_contracts.delivery.consumer import PoisonMessage
from leap_contracts.delivery.handlers import Handlers, UnitOfWork
from leap_contracts.envelope import Envelope, UnknownEventType, decode, open_envelope, receive, seal
from leap_contracts.events import (
    AtSourceRejectedV1,
    FileReceivedV1,
    RecordsMatchedV1,
    RecordsWithdrawnV1,
    UploadReportableV1,
    UploadWithdrawnV1,
)
from leap_contracts.plain import receiver

pytestmark = pytest.mark.integration


def received() -> FileReceivedV1:
    return FileReceivedV1(upload_id=uuid.uuid4(), provider_id="p1", service_code="CAN", file_format="csv",
                          size_bytes=10, sha256="0" * 64, received_at=datetime.now(UTC))


def withdrawn(upload_id: uuid.UUID) -> UploadWithdrawnV1:
    return UploadWithdrawnV1(upload_id=upload_id, provider_id="p1", service_code="CAN")


def message(event) -> Envelope:
    return receive(seal(event, producer="sender", correlation_id="corr-1").model_dump_json().encode())


async def test_a_handler_gets_its_event_typed_once_and_its_outbox_commits_with_it(pool):
    seen = []

    async def on_received(event: FileReceivedV1, uow: UnitOfWork) -> None:
        seen.append(event)
        assert await uow.conn.fetchval("SELECT count(*) FROM inbox WHERE event_id = $1", uow.envelope.event_id) == 1
        uow.outbox.add(withdrawn(event.upload_id))

    handlers = Handlers(pool, producer="svc", topic_prefix="p.")
    handlers.on(FileReceivedV1, on_received)
    event = received()
    envelope = message(event)
    await handlers.deliver(envelope)
    await handlers.deliver(envelope)  # redelivery: skipped
    assert seen == [event]
    row = await pool.fetchrow("SELECT topic, key, value FROM outbox")
    out = decode(row["value"])
    assert (row["topic"], row["key"]) == ("p.uploads.upload-withdrawn.v1", str(event.upload_id))
    assert (out.producer, out.correlation_id) == ("svc", "corr-1")
    assert open_envelope(out) == withdrawn(event.upload_id)
    assert [topic.name for topic, _ in handlers.subscriptions] == [topics.FILE_RECEIVED.name]


async def test_a_failing_handler_leaves_neither_inbox_row_nor_outbox_row(pool):
    async def fails(event: FileReceivedV1, uow: UnitOfWork) -> None:
        uow.outbox.add(withdrawn(event.upload_id))
        await uow.outbox.flush()
        raise RuntimeError("boom")

    handlers = Handlers(pool, producer="svc")
    handlers.on(FileReceivedV1, fails)
    with pytest.raises(RuntimeError):
        await handlers.deliver(message(received()))
    assert await pool.fetchval("SELECT (SELECT count(*) FROM inbox) + (SELECT count(*) FROM outbox)") == 0


async def test_other_event_types_are_poison_unless_ignored(pool):
    async def never(event: object, uow: UnitOfWork) -> None:
        raise AssertionError("not this type")

    handlers = Handlers(pool, producer="svc")
    handlers.on(RecordsMatchedV1, never, plain=True)
    handlers.ignore(RecordsWithdrawnV1)
    gone = RecordsWithdrawnV1(upload_id=uuid.uuid4(), provider_id="p", service_code="C", records=0)
    await handlers.deliver(message(gone))  # acknowledged, no transaction
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 0
    with pytest.raises(PoisonMessage, match="unexpected event type AtSourceRejectedV1"):
        await handlers.deliver(message(AtSourceRejectedV1(
            upload_id=uuid.uuid4(), provider_id="p", service_code="C", chunk_index=0, code="unknown_key_id",
            reason="r")), topics.RECORDS_MATCHED)
    unknown = message(received()).model_copy(update={"event_type": "SomethingNewV9"})
    with pytest.raises(UnknownEventType):
        await handlers.deliver(unknown, topics.RECORDS_MATCHED)
    handlers.ignore(unknown_on=topics.RECORDS_MATCHED)
    await handlers.deliver(unknown, topics.RECORDS_MATCHED)
    assert handlers.receivers[topics.RECORDS_MATCHED.name].__qualname__ == receiver(RecordsMatchedV1).__qualname__


async def test_a_raced_unit_of_work_is_tried_again_whole(pool):
    attempts = []

    async def racy(event: UploadReportableV1, uow: UnitOfWork) -> None:
        attempts.append(event.upload_id)
        uow.outbox.add(withdrawn(event.upload_id))
        await uow.outbox.flush()
        if len(attempts) < 3:
            raise asyncpg.DeadlockDetectedError("raced")

    handlers = Handlers(pool, producer="svc")
    handlers.on(UploadReportableV1, racy, races=(asyncpg.DeadlockDetectedError,), race_retries=3)
    await handlers.deliver(message(UploadReportableV1(upload_id=uuid.uuid4(), provider_id="p", service_code="C",
                                                      records=1, reportable_at=datetime.now(UTC))))
    assert len(attempts) == 3
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 1 and await pool.fetchval(
        "SELECT count(*) FROM inbox") == 1


async def test_work_no_message_started_commits_its_outbox_with_it(pool):
    handlers = Handlers(pool, producer="svc", topic_prefix="p.")
    event = received()
    async with handlers.unit_of_work("corr-2") as uow:
        uow.outbox.add(event)
    row = await pool.fetchrow("SELECT topic, key, value FROM outbox")
    assert (row["topic"], row["key"], decode(row["value"]).correlation_id) == (
        "p.uploads.file-received.v1", str(event.upload_id), "corr-2")
