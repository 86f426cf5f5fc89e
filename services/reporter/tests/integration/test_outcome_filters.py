"""The reach slicers on the outcome figures (real PostgreSQL): ward, dates (measured on) and gender narrow the
records; a service filter narrows the engaged children and leaves the comparison group whole; the others are
named as not applied."""

from __future__ import annotations

import uuid
from datetime import date

from leap_contracts.envelope import seal
from leap_contracts.events import LinkedOutcome, OutcomesLinkedV1, OutcomeValue

from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import parse_filters
from leap_reporter.domain.outcome_filters import outcome_filters
from leap_reporter.service import outcome_tables
from leap_reporter.service.outcome_handlers import OutcomeReadModel

EXACT = Disclosure(enabled=False)
WARDS = {"Stockwell": "E05014116", "Vassall": "E05014119"}


def outcome(n, ref, ward, day, gender, positive):
    return LinkedOutcome(row_number=n, individual_ref=ref, subject_ref=f"{n:032x}", ward_code=WARDS[ward],
                         ward_name=ward, gender=gender, outcome=OutcomeValue(
                             measure="eyfsp_gld", measured_on=day, result="yes" if positive else "no",
                             positive=positive))


async def groups(db, **asked) -> dict:
    filters = outcome_filters(parse_filters(**asked))
    table = await outcome_tables.by_services(db, EXACT, filters)
    return {r[2]: (r[3], r[4]) for r in table.rows if r[0] == "eyfsp_gld" and r[4]}, table.note


async def test_outcome_figures_take_the_slicers_that_mean_something_for_an_outcome_record(builder, db, events):
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "IND-1", date(2024, 3, 1))]))
    await builder.on_records_matched(events.matched("DL", [events.record(2, "IND-2", date(2024, 3, 1))]))
    extract = uuid.uuid4()
    event = OutcomesLinkedV1(upload_id=extract, provider_id="la", source_code="EDU", chunk_index=0, records=[
        outcome(2, "IND-1", "Stockwell", date(2024, 6, 30), "female", True),
        outcome(3, "IND-2", "Vassall", date(2025, 6, 30), "male", False),
        outcome(4, None, "Stockwell", date(2025, 6, 30), "female", True),
        outcome(5, None, "Vassall", date(2024, 6, 30), "male", False)], linked=2, unlinked=2, bridging=0)
    await OutcomeReadModel(db).on_outcomes_linked(seal(event, producer="matcher", correlation_id=str(extract)))

    assert (await groups(db))[0] == {"0": (1, 2), "1": (1, 2)}
    assert (await groups(db, ward="stockwell"))[0] == {"0": (1, 1), "1": (1, 1)}
    assert (await groups(db, ward="E05014119"))[0] == {"0": (0, 1), "1": (0, 1)}
    assert (await groups(db, date_from="2025-01-01"))[0] == {"0": (1, 1), "1": (0, 1)}
    assert (await groups(db, gender="male"))[0] == {"0": (0, 1), "1": (0, 1)}
    by_service, note = await groups(db, service=["CAN"])
    assert by_service == {"0": (1, 2), "1": (1, 1)}  # IND-2 (DL only) leaves; the comparison group stays whole
    assert "engaged children of the services asked for" in note
    _, note = await groups(db, ethnicity="W1", age_band="1 year")
    assert "not applied to outcome records: ethnicity, age_band" in note

    coverage = await outcome_tables.coverage(db, EXACT, outcome_filters(parse_filters(service=["CAN"])))
    assert {r[0]: r[2:4] for r in coverage.rows}["eyfsp_gld"] == (1, 1)  # of the children engaged with CAN
    suppressed = await outcome_tables.by_services(db, Disclosure(), outcome_filters(parse_filters(ward="Stockwell")))
    assert all(r[3] in ("*", 0) and r[4] in ("*", 0) and r[5] is None for r in suppressed.rows)  # filtered: suppressed
