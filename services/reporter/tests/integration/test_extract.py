"""The evaluation partner's extract: admin-only, no tokens, resolved references, audited."""

import csv
from datetime import date

import pytest
from pydantic import SecretStr

from leap_contracts.envelope import seal
from leap_contracts.events import RelationshipLinkedV1

from leap_reporter.cli.extract import NotAnAdmin, check_admin, extract
from leap_reporter.settings import Settings


def read(path):
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


async def test_extract_writes_three_files_and_an_audit_row(builder, db, events, database_url, tmp_path):
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "a", date(2024, 1, 1)),
                                                            events.record(3, "b", date(2024, 2, 1)),
                                                            events.record(4, "k", date(2024, 2, 1))]))
    await builder.on_beneficiary_event(events.merged("a", ["b"]))
    await builder.on_beneficiary_event(seal(RelationshipLinkedV1(child_ref="k", carer_ref="b", via=["email"]),
                                            producer="matcher", correlation_id="c"))
    counts = await extract(database_url, tmp_path / "x", "tester")
    assert counts == {"individuals": 2, "engagements": 3, "relationships": 1, "outcomes": 0}
    people = read(tmp_path / "x" / "individuals.csv")
    assert [p["individual_ref"] for p in people] == ["a", "k"]
    assert set(people[0]) == {"individual_ref", "beneficiary_type", "gender", "ethnicity", "first_language",
                              "age_band_at_first_contact", "first_contact_month"}
    assert people[0]["age_band_at_first_contact"] == "0-11 months" and people[0]["first_contact_month"] == "2024-01"
    assert {e["individual_ref"] for e in read(tmp_path / "x" / "engagements.csv")} == {"a", "k"}
    assert read(tmp_path / "x" / "relationships.csv") == [{"child_ref": "k", "carer_ref": "a",
                                                          "relationship": "primary_carer"}]
    audit = await db.fetchrow("SELECT * FROM extract_audit ORDER BY id DESC LIMIT 1")
    assert (audit["requested_by"], audit["individuals"], audit["engagements"], audit["relationships"]) == \
        ("tester", 2, 3, 1)
    with pytest.raises(FileExistsError):
        await extract(database_url, tmp_path / "x", "tester")


def test_only_the_admin_token_opens_the_extract():
    settings = Settings(database_url="postgresql://x@y/z", admin_token=SecretStr("s3cret"))
    check_admin(settings, "s3cret")
    for wrong in ("", "nope"):
        with pytest.raises(NotAnAdmin):
            check_admin(settings, wrong)
    with pytest.raises(NotAnAdmin):
        check_admin(Settings(database_url="postgresql://x@y/z"), "")


async def test_the_extract_carries_the_outcome_records_of_the_people_it_covers(builder, db, events, database_url,
                                                                               tmp_path):
    import uuid

    from leap_contracts.events import LinkedOutcome, OutcomesLinkedV1, OutcomeValue
    from leap_reporter.service.outcome_handlers import OutcomeReadModel

    await builder.on_records_matched(events.matched("CAN", [events.record(2, "a", date(2024, 1, 1)),
                                                            events.record(3, "b", date(2024, 2, 1))]))
    await builder.on_beneficiary_event(events.merged("a", ["b"]))
    value = OutcomeValue(measure="imms_mmr1_24m", measured_on=date(2025, 3, 1), result="yes", positive=True)
    rows = [LinkedOutcome(row_number=2, individual_ref="b", outcome=value),
            LinkedOutcome(row_number=3, individual_ref=None, outcome=value),  # a child never reached
            LinkedOutcome(row_number=4, individual_ref=None, outcome=value, findings=["outcome_bridges_individuals"])]
    event = OutcomesLinkedV1(upload_id=uuid.uuid4(), provider_id="nhs", source_code="CHIS", chunk_index=0,
                             records=rows, linked=1, unlinked=1, bridging=1)
    await OutcomeReadModel(db).on_outcomes_linked(seal(event, producer="matcher", correlation_id="c"))
    counts = await extract(database_url, tmp_path / "y", "tester")
    assert counts["outcomes"] == 1
    assert read(tmp_path / "y" / "outcomes.csv") == [{"individual_ref": "a", "source_code": "CHIS",
                                                     "measure": "imms_mmr1_24m", "measured_on": "2025-03-01",
                                                     "result": "yes"}]
    assert await db.fetchval("SELECT outcomes FROM extract_audit ORDER BY id DESC LIMIT 1") == 1
