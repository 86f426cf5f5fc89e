from datetime import date

import pytest

from leap_contracts.dataset import HeaderProblem, RowValidator, read_header

HEADER = ["Provider_Record_ID ", "beneficiary_type", "first_name", "date_of_birth", "gender",
          "engagement_date", "attended", "email", "notes"]


def validator():
    return RowValidator(read_header(HEADER))


def test_header_is_case_and_space_insensitive_and_reports_unknown_columns():
    header = read_header(HEADER)
    assert header.positions["provider_record_id"] == 0
    assert header.unknown == ("notes",)


def test_missing_required_column_rejects_the_file():
    with pytest.raises(HeaderProblem, match="engagement_date"):
        read_header(["provider_record_id", "beneficiary_type"])


def test_valid_child_row():
    record, problems = validator().validate(2, ["A1", "Child", "Zoë", "02/03/2022", "F", "2024-05-01", "", "", "x"])
    assert problems == []
    assert record.date_of_birth == date(2022, 3, 2)
    assert record.gender == "female" and record.attended is True


@pytest.mark.parametrize(
    ("cells", "column", "code"),
    [
        (["", "adult", "", "", "", "2024-05-01", "", "", ""], "provider_record_id", "missing_value"),
        (["A", "alien", "", "", "", "2024-05-01", "", "", ""], "beneficiary_type", "invalid_value"),
        (["A", "adult", "", "", "", "31/02/2024", "", "", ""], "engagement_date", "invalid_date"),
        (["A", "child", "Ann", "", "F", "2024-05-01", "", "", ""], "date_of_birth", "missing_value"),
        (["A", "child", "", "2022-01-01", "F", "2024-05-01", "", "", ""], "first_name", "missing_value"),
        (["A", "adult", "", "", "", "2024-05-01", "maybe", "", ""], "attended", "invalid_value"),
    ],
)
def test_row_errors_name_the_column(cells, column, code):
    record, problems = validator().validate(7, cells)
    assert record is None
    assert (7, column, code, "error") in [(p.row, p.column, p.code, p.severity) for p in problems]


def test_placeholder_email_is_a_warning_and_keeps_the_row():
    record, problems = validator().validate(3, ["A", "parent", "", "", "", "2024-05-01", "no", "none@none.com", ""])
    assert record is not None and record.beneficiary_type == "adult" and record.attended is False
    assert [(p.column, p.code, p.severity) for p in problems] == [("email", "email_placeholder", "warning")]
    assert "none@none.com" not in problems[0].message
