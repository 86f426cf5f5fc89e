"""The outcomes dataset's catalogue, result scales and row rules (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from leap_contracts.dataset import HeaderProblem
from leap_contracts.outcomes import MEASURES, SOURCES, OutcomeRowValidator, measures_of_source, read_outcome_header
from leap_contracts.outcomes.rules import age_in_months

HEADER = ["provider_record_id", "nhs_number", "first_name", "date_of_birth", "gender", "primary_carer_email",
          "postcode", "measure", "measured_on", "result"]


def row(**values: str) -> list[str]:
    base = {"provider_record_id": "HV1", "nhs_number": "9434765919", "first_name": "Amara",
            "date_of_birth": "2022-01-15", "gender": "F", "primary_carer_email": "amara.mum@gmail.com",
            "postcode": "SW9 7AB", "measure": "asq3_communication", "measured_on": "2024-03-01", "result": "yes"}
    base.update(values)
    return [base[c] for c in HEADER]


def validate(source: str = "HV", **values: str):
    return OutcomeRowValidator(read_outcome_header(HEADER), source).validate(2, row(**values))


def test_the_catalogue_covers_the_programmes_measures_and_every_measure_names_a_known_source():
    for code in ("asq3_communication", "asq3_gross_motor", "asq3_fine_motor", "asq3_problem_solving",
                 "asq3_personal_social", "asq3_all_five", "eyfsp_gld", "breastfeeding_6_8_weeks",
                 "ncmp_excess_weight_reception", "dental_decay_5", "imms_6in1_12m", "imms_mmr1_24m", "imms_mmr2_5y"):
        assert code in MEASURES
    assert all(m.source in SOURCES for m in MEASURES.values())
    assert all(part in MEASURES and not MEASURES[part].derived for m in MEASURES.values() for part in m.all_of)
    assert "asq3_all_five" not in [m.code for m in measures_of_source("HV")]


def test_a_good_row_becomes_a_child_record_dated_by_its_measurement():
    record, problems = validate()
    assert problems == []
    assert record.beneficiary_type == "child" and record.engagement_date == date(2024, 3, 1)
    assert record.outcome.model_dump() == {"measure": "asq3_communication", "measured_on": date(2024, 3, 1),
                                           "result": "yes", "positive": True}


@pytest.mark.parametrize(("measure", "result", "canonical", "positive"), [
    ("breastfeeding_6_8_weeks", "Partial", "partial", True),
    ("breastfeeding_6_8_weeks", "unknown", "unknown", False),
    ("asq3_gross_motor", "0", "no", False),
])
def test_results_are_read_on_the_measures_scale(measure, result, canonical, positive):
    born = "2022-01-15" if measure.startswith("asq") else "2024-01-20"
    record, _ = validate(measure=measure, result=result, date_of_birth=born)
    assert (record.outcome.result, record.outcome.positive) == (canonical, positive)


def test_numeric_scales_use_their_threshold():
    def ncmp(result: str):
        return validate("NCMP", measure="ncmp_excess_weight_reception", result=result,
                        date_of_birth="2019-01-01")[0].outcome

    assert ncmp("85").positive and ncmp("91.40").result == "91.4" and not ncmp("84.9").positive
    dental = validate("DENTAL", measure="dental_decay_5", result="0", date_of_birth="2019-01-01")[0].outcome
    assert not dental.positive


@pytest.mark.parametrize(("values", "column", "code"), [
    ({"measure": "asq3_all_five"}, "measure", "derived_measure"),
    ({"measure": "eyfsp_gld"}, "measure", "wrong_source"),
    ({"measure": "height"}, "measure", "unknown_measure"),
    ({"result": "maybe"}, "result", "invalid_value"),
    ({"result": ""}, "result", "missing_value"),
    ({"measured_on": "2021-12-31"}, "measured_on", "before_birth"),
    ({"measured_on": "31/02/2024"}, "measured_on", "invalid_date"),
    ({"date_of_birth": ""}, "date_of_birth", "missing_value"),
    ({"provider_record_id": ""}, "provider_record_id", "missing_value"),
    ({"gender": "x"}, "gender", "gender_invalid"),
])
def test_errors_reject_the_row_and_name_row_and_column_never_the_value(values, column, code):
    record, problems = validate(**values)
    assert record is None
    found = [(p.row, p.column, p.code) for p in problems if p.severity == "error"]
    assert (2, column, code) in found
    for p in problems:
        for name, value in values.items():  # a catalogue code may be named; a cell value never
            assert name == "measure" or not value or value not in p.message


def test_a_numeric_result_outside_its_scale_says_what_is_accepted():
    record, problems = validate("DENTAL", measure="dental_decay_5", result="2.5", date_of_birth="2019-01-01")
    assert record is None and "a whole number from 0 to 20" in problems[0].message


def test_warnings_keep_the_row():
    record, problems = validate(measured_on="2023-01-15", nhs_number="1234567890")
    assert record is not None
    codes = {p.code for p in problems}
    assert "age_outside_window" in codes and all(p.severity == "warning" for p in problems)


def test_a_row_that_cannot_link_is_kept_with_a_warning():
    record, problems = validate(nhs_number="", primary_carer_email="")
    assert record is not None and [p.code for p in problems] == ["no_linking_identifier"]


def test_the_header_needs_the_outcome_columns():
    with pytest.raises(HeaderProblem, match="measure, measured_on, result"):
        read_outcome_header(["provider_record_id", "date_of_birth"])
    assert read_outcome_header([*HEADER, "school"]).unknown == ("school",)


def test_age_in_whole_months():
    assert age_in_months(date(2022, 1, 15), date(2024, 1, 14)) == 23
    assert age_in_months(date(2022, 1, 15), date(2024, 1, 15)) == 24


def test_an_at_source_outcome_row_carries_its_measurement_and_a_service_file_may_not():
    from leap_contracts.dataset.at_source import AtSourceRowValidator, read_at_source_header
    header = read_at_source_header(["provider_record_token", "beneficiary_type", "nhs_number_token",
                                    "engagement_date", "measure", "result"])
    cells = ["a" * 64, "child", "b" * 64, "2024-03-01", "asq3_communication", "Yes"]
    record, problems = AtSourceRowValidator(header, dataset="outcomes", source="HV").validate(2, cells)
    assert problems == [] and record.outcome.model_dump() == {
        "measure": "asq3_communication", "measured_on": date(2024, 3, 1), "result": "yes", "positive": True}
    wrong, problems = AtSourceRowValidator(header, dataset="outcomes", source="CHIS").validate(2, cells)
    assert wrong is None and [(p.row, p.column, p.code) for p in problems] == [(2, "measure", "wrong_source")]
    service, problems = AtSourceRowValidator(header).validate(2, cells)
    assert service is None and {p.column for p in problems} == {"measure", "result"}
