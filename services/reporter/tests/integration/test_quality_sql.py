"""The data-quality dates (each upload's first and last date, the months a provider and service cover) are kept
per applied chunk in match_outcome; they give exactly what a plain pass over every engagement gives, after
re-matched chunks and withdrawals too."""

import random
import uuid
from datetime import date, timedelta
from importlib import resources

import asyncpg

from leap_contracts.envelope import seal
from leap_contracts.events import RecordsWithdrawnV1

from leap_reporter.adapters import quality

NAIVE_MONTHS = """SELECT DISTINCT provider_id, service_code, date_trunc('month', engagement_date)::date AS month
  FROM engagement ORDER BY 1, 2, 3"""
NAIVE_DATES = "SELECT upload_id, min(engagement_date) AS first, max(engagement_date) AS last FROM engagement GROUP BY 1"


async def _assert_equal_to_a_full_pass(db) -> None:
    assert [tuple(r) for r in await quality.months_covered(db)] == [tuple(r) for r in await db.fetch(NAIVE_MONTHS)]
    dates = {r["upload_id"]: (r["first"], r["last"]) for r in await db.fetch(NAIVE_DATES)}
    assert {r["upload_id"]: (r["first_date"], r["last_date"]) for r in await quality.uploads(db)
            if r["first_date"]} == dates


async def test_months_and_upload_dates_equal_a_full_pass(db, builder, events):
    rng = random.Random(3)
    uploads = [(uuid.uuid4(), f"prov-{rng.randrange(3)}", rng.choice(["CAN", "MIR", "DL"])) for _ in range(12)]
    chunks = []
    for upload_id, provider, service in uploads:
        start = date(2023, 1, 1) + timedelta(days=rng.randrange(600))
        rows = [events.record(row + 2, f"p{rng.randrange(50)}",
                              start + timedelta(days=rng.choice([0, 1, 30, 31, 59, 90, 400])),
                              attended=rng.random() < .9)
                for row in range(rng.randrange(1, 60))]  # gaps of months, month ends, several uploads per service
        for index, at in enumerate(range(0, len(rows), 17)):
            chunks.append(events.matched(service, rows[at:at + 17], upload_id=upload_id, chunk_index=index,
                                         provider_id=provider))
    for upload_id, provider, service in [*uploads, (uuid.uuid4(), "prov-9", "PINE")]:  # the last has no rows
        await builder.on_upload_validated(events.validated(upload_id, provider_id=provider, service_code=service,
                                                           chunk_count=1))
    rng.shuffle(chunks)
    for envelope in chunks:
        await builder.on_records_matched(envelope)
    assert len(await quality.uploads(db)) == len(uploads) + 1
    await _assert_equal_to_a_full_pass(db)

    again = chunks[0].model_copy(update={"event_id": uuid.uuid4()})  # a re-matched chunk: replaced, not doubled
    await builder.on_records_matched(again)
    await _assert_equal_to_a_full_pass(db)

    gone = uploads[0][0]
    withdrawn = RecordsWithdrawnV1(upload_id=gone, provider_id=uploads[0][1], service_code=uploads[0][2], records=0)
    await builder.on_records_matched(seal(withdrawn, producer="matcher", correlation_id=str(gone)))
    await _assert_equal_to_a_full_pass(db)


async def test_the_migration_gives_chunks_applied_before_it_their_uploads_dates(database_url):
    """008 moved the dates into match_outcome: a read model built before it keeps its figures."""
    scripts = sorted((resources.files("leap_reporter.migrations")).iterdir(), key=lambda f: f.name)
    before = [f.read_text() for f in scripts if f.name < "008"]
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction():
            await conn.execute("CREATE SCHEMA migration_008; SET LOCAL search_path = migration_008")
            for sql in before:
                await conn.execute(sql)
            upload = uuid.uuid4()
            await conn.executemany(
                """INSERT INTO engagement (upload_id, row_number, individual_ref, service_code, provider_id,
                   engagement_date, beneficiary_type, attended) VALUES ($1, $2, 'p', 'CAN', 'prov-1', $3, 'child', true)""",
                [(upload, 2, date(2024, 3, 9)), (upload, 3, date(2024, 1, 31)), (upload, 4, date(2024, 3, 1))])
            await conn.execute("""INSERT INTO match_outcome (upload_id, chunk_index, records, new_individuals,
                                  matched_existing) VALUES ($1, 0, 2, 2, 0), ($1, 1, 1, 0, 1)""", upload)
            await conn.execute(next(f for f in scripts if f.name.startswith("008")).read_text())
            rows = await conn.fetch("SELECT * FROM match_outcome ORDER BY chunk_index")
            raise _Checked([dict(r) for r in rows])
    except _Checked as checked:
        rows = checked.rows
    finally:
        await conn.close()
    assert {(r["provider_id"], r["service_code"], r["first_date"], r["last_date"], tuple(r["months"])) for r in rows} \
        == {("prov-1", "CAN", date(2024, 1, 31), date(2024, 3, 9), (date(2024, 1, 1), date(2024, 3, 1)))}


class _Checked(Exception):
    """Rolls the scratch schema back once the rows are read."""

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows
