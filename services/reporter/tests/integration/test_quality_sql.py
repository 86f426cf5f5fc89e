"""The data-quality queries that read engagements through indexes (per-upload probes, a loose index scan over
months) give exactly what a plain pass over every engagement gives."""

import random
import uuid
from datetime import date, timedelta

from leap_reporter.adapters import quality

NAIVE_MONTHS = """SELECT DISTINCT provider_id, service_code, date_trunc('month', engagement_date)::date AS month
  FROM engagement ORDER BY 1, 2, 3"""
NAIVE_DATES = "SELECT upload_id, min(engagement_date) AS first, max(engagement_date) AS last FROM engagement GROUP BY 1"


async def test_months_and_upload_dates_equal_a_full_pass(db):
    rng = random.Random(3)
    uploads = [(uuid.uuid4(), f"prov-{rng.randrange(3)}", rng.choice(["CAN", "MIR", "DL"])) for _ in range(12)]
    rows = []
    for upload_id, provider, service in uploads:
        start = date(2023, 1, 1) + timedelta(days=rng.randrange(600))
        for row in range(rng.randrange(1, 60)):  # gaps of months, month ends, several uploads per service
            rows.append((upload_id, row + 2, f"p{rng.randrange(50)}", service, provider,
                         start + timedelta(days=rng.choice([0, 1, 30, 31, 59, 90, 400])), "child", rng.random() < .9))
    await db.copy_records_to_table("engagement", records=rows, columns=[
        "upload_id", "row_number", "individual_ref", "service_code", "provider_id", "engagement_date",
        "beneficiary_type", "attended"])
    for upload_id, provider, service in [*uploads, (uuid.uuid4(), "prov-9", "PINE")]:  # the last has no rows
        await db.execute("""INSERT INTO upload_quality (upload_id, provider_id, service_code, outcome, rows_total,
                            rows_accepted, rows_rejected) VALUES ($1, $2, $3, 'accepted', 1, 1, 0)""",
                         upload_id, provider, service)

    assert [tuple(r) for r in await quality.months_covered(db)] == [tuple(r) for r in await db.fetch(NAIVE_MONTHS)]
    dates = {r["upload_id"]: (r["first"], r["last"]) for r in await db.fetch(NAIVE_DATES)}
    found = await quality.uploads(db)
    assert len(found) == len(uploads) + 1
    assert {r["upload_id"]: (r["first_date"], r["last_date"]) for r in found if r["first_date"]} == dates
    plan = "\n".join(r[0] for r in await db.fetch(f"EXPLAIN {quality._MONTHS}"))
    assert "engagement_provider_service_date" in plan, plan
