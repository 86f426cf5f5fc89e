"""One result per child per measure on the real PostgreSQL: the figures' SQL picks, for each child and measure,
the record the contract's rule (leap_contracts.outcomes.one_result) picks, including through a merge and for the
derived all-five measure; unlinked children are known only within their extract."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import date, timedelta

from leap_contracts.envelope import seal
from leap_contracts.events import LinkedOutcome, OutcomesLinkedV1, OutcomeValue
from leap_contracts.outcomes.catalogue import MEASURES
from leap_contracts.outcomes.one_result import one_per_child, precedence

from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.service import outcome_tables
from leap_reporter.service.outcome_handlers import OutcomeReadModel

EXACT = Disclosure(enabled=False)
DOMAINS = MEASURES["asq3_all_five"].all_of
WARDS = (None, "Stockwell", "Vassall")


def chunk(upload_id, records, index=0):
    event = OutcomesLinkedV1(upload_id=upload_id, provider_id="hv", source_code="HV", chunk_index=index,
                             records=records, linked=0, unlinked=0, bridging=0)
    return seal(event, producer="matcher", correlation_id=str(upload_id))


def outcome(n, ref, subject, measure, day, positive, ward):
    return LinkedOutcome(row_number=n, individual_ref=ref, subject_ref=f"{subject:032x}", ward_name=ward,
                         outcome=OutcomeValue(measure=measure, measured_on=day, result="yes" if positive else "no",
                                              positive=positive))


def by_services_engaged(rows) -> dict:
    return {(r[0], r[2]): (r[3], r[4]) for r in rows}


async def test_each_child_counts_once_per_measure_as_the_contract_rule_says(builder, db, events):
    await builder.on_records_matched(events.matched("CAN", [events.record(1, "IND-1", date(2024, 3, 1)),
                                                            events.record(2, "IND-2", date(2024, 3, 1))]))
    await builder.on_beneficiary_event(events.merged("IND-1", ["IND-3"]))  # IND-3's records are IND-1's
    rng = random.Random(7)
    uploads = [uuid.uuid4(), uuid.uuid4()]
    records = {u: [] for u in uploads}
    expected = []  # (child, measure, day, positive, ward, group)
    for upload in uploads:
        for subject in range(60):
            ref = rng.choice(("IND-1", "IND-2", "IND-3", None, None))
            child = ("ind", "IND-1" if ref == "IND-3" else ref) if ref else ("sub", upload, subject)
            group = "1" if ref else "0"
            for _review in range(rng.choice((1, 1, 2, 3))):
                day = date(2025, 1, 1) + timedelta(days=rng.choice((0, 0, 30)))  # repeats, some on one day
                ward = rng.choice(WARDS)
                parts = [(m, rng.random() < 0.8) for m in DOMAINS if rng.random() < 0.95]
                for measure, positive in parts:
                    n = len(records[upload]) + 1
                    records[upload].append(outcome(n, ref, subject, measure, day, positive, ward))
                    expected.append((child, measure, day, positive, ward, group))
    model = OutcomeReadModel(db)
    for upload in uploads:
        await model.on_outcomes_linked(chunk(upload, records[upload]))

    # the derived measure: one per review (upload, subject, day) holding each of the five parts once
    stored = await db.fetch("SELECT upload_id, subject_ref, measured_on, measure, positive, ward_name, "
                            "individual_ref FROM outcome_record")
    grouped = {}
    for s in stored:
        grouped.setdefault((s["upload_id"], s["subject_ref"], s["measured_on"]), []).append(s)
    for (upload, subject, day), parts in grouped.items():
        if sorted(p["measure"] for p in parts) == sorted(DOMAINS):
            ref = parts[0]["individual_ref"]
            child = ("ind", "IND-1" if ref == "IND-3" else ref) if ref else ("sub", upload, int(subject, 16))
            expected.append((child, "asq3_all_five", day, all(p["positive"] for p in parts),
                             min((p["ward_name"] for p in parts if p["ward_name"]), default=None),
                             "1" if ref else "0"))

    winners = one_per_child(expected, lambda r: (r[0], r[1]), lambda r: precedence(r[2], r[3], r[4]))
    want = Counter()
    for _, measure, _, positive, _, group in winners:
        want[(measure, group, "num")] += positive
        want[(measure, group, "den")] += 1
    got = by_services_engaged((await outcome_tables.by_services(db, EXACT)).rows)
    for measure in (*DOMAINS, "asq3_all_five"):
        for group in ("0", "1"):
            assert got[(measure, group)] == (want[(measure, group, "num")], want[(measure, group, "den")]), \
                (measure, group)
    assert sum(want[(m, g, "den")] for m in DOMAINS for g in "01") < len(stored)  # duplicates were dropped
