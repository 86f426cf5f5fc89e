from datetime import date

import pytest

from leap_contracts.catalogue import services_in_strand
from leap_reporter.domain.filters import InvalidFilters, ReachFilters, parse_filters


def problems(**raw) -> dict[str, str]:
    with pytest.raises(InvalidFilters) as info:
        parse_filters(**raw)
    return {p.param: p.message for p in info.value.problems}


def test_nothing_given_means_no_filter():
    assert parse_filters() == ReachFilters()
    assert parse_filters(service=[""], strand=" ", ward="", date_from="", date_to=None) == ReachFilters()


def test_services_repeatable_comma_separated_case_insensitive_and_deduplicated():
    filters = parse_filters(service=["can, pine", "MIR", "CAN"])
    assert filters.services == ("CAN", "PINE", "MIR")
    assert filters.service_codes == ("CAN", "PINE", "MIR")


def test_unknown_service_codes_are_named_with_the_known_ones():
    message = problems(service=["CAN,XYZ", "nope"])["service"]
    assert "XYZ, NOPE" in message and "known codes: CAN, PINE" in message


def test_strand_is_matched_case_insensitively_and_expands_to_its_services():
    filters = parse_filters(strand="diet & nutrition")
    assert filters.strand == "Diet & Nutrition"
    assert filters.service_codes == tuple(services_in_strand("Diet & Nutrition"))


def test_service_and_strand_together_keep_only_the_services_in_the_strand():
    assert parse_filters(service=["CAN", "MIR"], strand="Diet & Nutrition").service_codes == ("CAN",)
    assert parse_filters(service=["MIR"], strand="Diet & Nutrition").service_codes == ()


def test_unknown_strand_lists_the_strands():
    message = problems(strand="Diet")["strand"]
    assert "unknown strand 'Diet'" in message and "Cross Theme" in message


def test_dates_are_inclusive_iso_dates():
    filters = parse_filters(date_from="2024-04-01", date_to="2024-04-01")
    assert (filters.date_from, filters.date_to) == (date(2024, 4, 1), date(2024, 4, 1))


@pytest.mark.parametrize("bad", ["2024-13-01", "01/04/2024", "20240401", "2024-02-30", "yesterday", "2024-W14-1"])
def test_bad_dates_are_rejected_with_the_expected_format(bad):
    assert "use YYYY-MM-DD" in problems(date_from=bad)["from"]
    assert "use YYYY-MM-DD" in problems(date_to=bad)["to"]


def test_from_after_to_is_rejected():
    assert "after 'to'" in problems(date_from="2024-05-01", date_to="2024-04-30")["from"]


def test_every_problem_is_reported_at_once():
    found = problems(service=["ZZ"], strand="x", date_from="bad", date_to="2024-01-01")
    assert set(found) == {"service", "strand", "from"}


def test_ward_is_trimmed_and_echo_shows_what_was_applied():
    filters = parse_filters(service=["can"], strand="Diet & Nutrition", ward=" Stockwell ", date_from="2024-01-01")
    assert filters.echo() == {"service": ["CAN"], "strand": "Diet & Nutrition", "ward": "Stockwell",
                              "from": "2024-01-01", "to": None, "beneficiary_type": None, "gender": None,
                              "ethnicity": None, "age_band": None}


def test_person_filters_are_checked_and_canonical():
    filters = parse_filters(beneficiary_type="Child", gender="FEMALE", ethnicity=" W1 ", age_band="1 YEAR")
    assert (filters.beneficiary_type, filters.gender, filters.ethnicity, filters.age_band) == \
        ("child", "female", "W1", "1 year")
    assert filters.by_person
    with pytest.raises(InvalidFilters) as caught:
        parse_filters(beneficiary_type="dog", gender="x", age_band="old")
    assert [p.param for p in caught.value.problems] == ["beneficiary_type", "gender", "age_band"]
