from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from leap_contracts.dataset import COLUMNS, RowValidator, read_header
from leap_uploader.domain.mapping import IDENTITY, Mapping, apply

SPEC = Mapping(renames={"Client Ref": "provider_record_id", "SEX": "gender", "Born": "date_of_birth",
                        "Contact": "engagement_date"},
               value_maps={"gender": {"1": "male", "2": "female"}}, date_formats={"date_of_birth": "%d.%m.%Y"},
               constants={"engagement_type": "group session"}, fill_from={"engagement_date": "Referral"},
               beneficiary_type_from_dob=18)


def test_renames_value_maps_dates_constants_and_gap_filling():
    rows = list(apply(SPEC, iter([(1, ["client ref ", "Sex", "Born", "Contact", "Referral", "Notes", "first_name"]),
                                  (2, ["C1", "2", "03.04.2022", "", "2024-05-01", "x", "Amy"]),
                                  (3, ["C2", "1", "05.06.1990", "2024-05-02", "", "y", "Bob"])])))
    header = rows[0][1]
    assert header[:4] == ["provider_record_id", "gender", "date_of_birth", "engagement_date"]
    assert "Notes" in header and "engagement_type" in header and "beneficiary_type" in header
    validator = RowValidator(read_header(header))
    child, problems = validator.validate(2, rows[1][1])
    assert problems == []
    assert (child.beneficiary_type, child.gender, child.date_of_birth, child.engagement_date,
            child.engagement_type) == ("child", "female", date(2022, 4, 3), date(2024, 5, 1), "group session")
    adult, _ = validator.validate(3, rows[2][1])
    assert (adult.beneficiary_type, adult.gender) == ("adult", "male")


def test_a_value_that_does_not_parse_reaches_the_rules_unchanged():
    rows = list(apply(SPEC, iter([(1, ["Client Ref", "Born", "Contact"]), (2, ["C1", "31.02.2022", "2024-01-01"])])))
    assert rows[1][1][1] == "31.02.2022"


def test_mappings_name_only_standard_columns():
    with pytest.raises(ValidationError, match="not a column of the standard dataset"):
        Mapping(renames={"x": "shoe_size"})
    with pytest.raises(ValidationError):
        Mapping(unknown_key={})


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(header=st.lists(st.sampled_from([*COLUMNS, "Client Ref", "SEX", "Born", "Referral", "other"]), min_size=1,
                       max_size=8),
       rows=st.lists(st.lists(cells, max_size=10), max_size=6))
def test_mapping_any_rows_keeps_row_numbers_and_gives_one_cell_per_header_column(header, rows):
    for spec in (IDENTITY, SPEC):
        out = list(apply(spec, iter([(1, header), *((n, r) for n, r in enumerate(rows, 2))])))
        assert [n for n, _ in out] == list(range(1, len(rows) + 2))
        width = len(out[0][1])
        assert width >= len(header)
        if spec is SPEC:
            assert all(len(r) >= width for _, r in out[1:])


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["1", "2", " 1 ", "9", ""]), st.dates(date(1900, 1, 1), date(2030, 1, 1)))
def test_mapped_rows_are_always_either_a_record_or_named_problems(code, born):
    rows = list(apply(SPEC, iter([(1, ["Client Ref", "SEX", "Born", "Contact", "first_name"]),
                                  (2, ["C", code, born.strftime("%d.%m.%Y"), "2024-05-01", "Ann"])])))
    record, problems = RowValidator(read_header(rows[0][1])).validate(2, rows[1][1])
    assert (record is None) == any(p.severity == "error" for p in problems)
    if record is not None:
        assert record.date_of_birth == born
