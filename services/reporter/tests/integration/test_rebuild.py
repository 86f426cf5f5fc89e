"""`python -m leap_reporter.cli.rebuild`: empties the read model and switches to a fresh consumer group."""

import uuid
from datetime import date

from leap_reporter.adapters import consumer_state
from leap_reporter.cli.rebuild import rebuild


async def test_rebuild_truncates_the_read_model_and_inbox_and_switches_group(builder, db, events, database_url):
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "a", date(2024, 4, 1))]))
    await builder.on_beneficiary_event(events.merged("a", ["b"]))
    await builder.on_upload_validated(events.validated(uuid.uuid4()))
    await db.execute("INSERT INTO dead_letter (topic, kafka_partition, kafka_offset, error) VALUES ('t', 0, 1, 'x')")
    assert await consumer_state.group_id(db) == "leap-reporter"

    old, new = await rebuild(database_url)

    assert (old, new) == ("leap-reporter", await consumer_state.group_id(db))
    assert new.startswith("leap-reporter-rebuild-")
    for table in ("engagement", "ward", "individual_alias", "upload_quality", "inbox"):
        assert await db.fetchval(f"SELECT count(*) FROM {table}") == 0, table
    assert await db.fetchval("SELECT count(*) FROM dead_letter") == 1  # failure history is kept


async def test_after_a_rebuild_the_same_events_are_applied_again(builder, db, events, database_url):
    envelope = events.matched("CAN", [events.record(2, "a", date(2024, 4, 1))])
    await builder.on_records_matched(envelope)
    await rebuild(database_url, "leap-reporter-rebuild-test")
    await builder.on_records_matched(envelope)  # replayed by the new group: not a duplicate any more
    assert await db.fetchval("SELECT count(*) FROM engagement") == 1
    assert await consumer_state.group_id(db) == "leap-reporter-rebuild-test"
