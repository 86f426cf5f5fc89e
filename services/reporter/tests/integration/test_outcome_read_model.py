"""Outcome records in the read model: stored beside (never in) the engagements, followed through merges, counted
by the watermark, withdrawn with their extract; the figures and their suppression."""

from __future__ import annotations

import uuid
from datetime import date

from leap_contracts.envelope import seal
from leap_contracts.events import (LinkedOutcome, OutcomeLink, OutcomeLinksChangedV1, OutcomesLinkedV1, OutcomeValue,
                                   RecordsWithdrawnV1)

from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.service import outcome_tables
from leap_reporter.service.outcome_handlers import OutcomeReadModel

EXACT = Disclosure(enabled=False)
STOCKWELL = ("E05014116", "Stockwell")


def linked(upload_id, rows, chunk_index=0):
    records = [LinkedOutcome(row_number=n, individual_ref=ref, subject_ref=f"{n:032x}", ward_code=STOCKWELL[0],
                             ward_name=STOCKWELL[1], findings=findings,
                             outcome=OutcomeValue(measure="eyfsp_gld", measured_on=date(2025, 6, 30),
                                                  result="yes" if ok else "no", positive=ok))
               for n, ref, ok, findings in rows]
    event = OutcomesLinkedV1(upload_id=upload_id, provider_id="la", source_code="EDU", chunk_index=chunk_index,
                             records=records, linked=0, unlinked=0, bridging=0)
    return seal(event, producer="matcher", correlation_id=str(upload_id))


async def reach_now(db) -> tuple:
    return (await db.fetchval("SELECT count(*) FROM engagement"),
            await db.fetchval("SELECT count(DISTINCT individual_ref) FROM engagement"))


async def test_outcomes_are_stored_apart_counted_and_withdrawn(builder, db, events):
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "IND-1", date(2024, 3, 1)),
                                                            events.record(3, "IND-2", date(2024, 3, 1))]))
    await builder.on_records_matched(events.matched("DL", [events.record(2, "IND-1", date(2024, 4, 1))]))
    await builder.on_beneficiary_event(events.merged("IND-2", ["IND-3"]))
    before = await reach_now(db)

    extract = uuid.uuid4()
    model = OutcomeReadModel(db)
    await model.on_outcomes_linked(linked(extract, [
        (2, "IND-1", True, []), (3, "IND-3", False, []), (4, None, True, []), (5, None, False, []),
        (6, None, True, ["outcome_bridges_individuals"]),
    ]))
    assert await reach_now(db) == before  # never an engagement
    await builder.on_upload_validated(events.validated(extract, service_code="EDU", dataset="outcomes",
                                                       chunk_count=1, rows_accepted=5, rows_total=5, rows_rejected=0))
    counted = await db.fetchrow("SELECT counted_at, records FROM upload_progress WHERE upload_id = $1", extract)
    assert counted["counted_at"] is not None and counted["records"] == 5

    table = await outcome_tables.by_services(db, EXACT)
    groups = {row[2]: row for row in table.rows if row[0] == "eyfsp_gld"}
    assert (groups["0"][3], groups["0"][4]) == (1, 2)  # the bridging record counts nowhere
    assert (groups["1"][3], groups["1"][4]) == (0, 1)  # IND-3 merged into IND-2: one service (CAN)
    assert (groups["2"][3], groups["2"][4]) == (1, 1)
    coverage = {row[0]: row for row in (await outcome_tables.coverage(db, EXACT)).rows}
    assert coverage["eyfsp_gld"][1:4] == ("EYFSP good level of development", 2, 2)
    linkage = (await outcome_tables.linkage(db, EXACT)).rows
    assert linkage == ((str(extract), "EDU", 2, 2, 1, 0),)
    suppressed = await outcome_tables.by_services(db, Disclosure())
    assert all(row[3] in ("*", 0) and row[4] in ("*", 0) and row[5] is None for row in suppressed.rows)

    withdrawn = RecordsWithdrawnV1(upload_id=extract, provider_id="la", service_code="EDU", records=0)
    await builder.on_records_matched(seal(withdrawn, producer="matcher", correlation_id=str(extract)))
    assert await db.fetchval("SELECT count(*) FROM outcome_record") == 0
    assert await reach_now(db) == before
    await model.on_outcomes_linked(linked(extract, [(7, "IND-1", True, [])], chunk_index=1))  # arrives late
    assert await db.fetchval("SELECT count(*) FROM outcome_record") == 0


async def test_links_changed_by_the_matcher_replace_the_records_links(builder, db, events):
    extract, model = uuid.uuid4(), OutcomeReadModel(db)
    await model.on_outcomes_linked(linked(extract, [(2, None, True, []), (3, "IND-1", True, []),
                                                    (4, None, True, ["outcome_bridges_individuals"])]))
    changed = OutcomeLinksChangedV1(upload_id=extract, chunk_index=0, linked=1, unlinked=1, bridging=1, changed=[
        OutcomeLink(row_number=2, individual_ref="IND-2"), OutcomeLink(row_number=3, bridges=True),
        OutcomeLink(row_number=4, individual_ref=None)])
    envelope = seal(changed, producer="matcher", correlation_id=str(extract))
    await model.on_outcomes_linked(envelope)
    await model.on_outcomes_linked(envelope)  # delivered twice: applied once
    rows = {r["row_number"]: (r["individual_ref"], r["excluded"], r["findings"])
            for r in await db.fetch("SELECT * FROM outcome_record")}
    assert rows == {2: ("IND-2", False, []), 3: (None, True, ["outcome_bridges_individuals"]), 4: (None, False, [])}
    assert await db.fetchrow("SELECT linked, unlinked, bridging FROM outcome_chunk") == (1, 1, 1)
