from datetime import UTC, date, datetime

import pytest

from leap_reporter.domain.age import age_band
from leap_reporter.domain.timeliness import is_late, missing_months


@pytest.mark.parametrize(("birth", "first", "band"), [
    (None, date(2024, 1, 1), "not recorded"),
    ("2024-03", date(2024, 1, 5), "before birth"),
    ("2024-01", date(2024, 1, 31), "0-11 months"),
    ("2023-01", date(2023, 12, 1), "0-11 months"),
    ("2023-01", date(2024, 1, 1), "1 year"),
    ("2020-06", date(2024, 5, 1), "3 years"),
    ("2019-01", date(2024, 1, 1), "5 years and over"),
])
def test_age_band_at_first_contact(birth, first, band):
    assert age_band(birth, first) == band


def test_missing_months_run_from_the_first_covered_to_the_last_complete_month():
    covered = [date(2024, 1, 1), date(2024, 3, 1)]
    assert missing_months(covered, today=date(2024, 5, 10)) == [date(2024, 2, 1), date(2024, 4, 1)]
    assert missing_months([], today=date(2024, 5, 10)) == []


def test_an_upload_is_late_after_the_grace_days_following_its_last_month():
    assert not is_late(date(2024, 3, 20), datetime(2024, 4, 15, tzinfo=UTC), 15)
    assert is_late(date(2024, 3, 20), datetime(2024, 4, 16, 9, tzinfo=UTC), 15)
    assert not is_late(None, datetime(2024, 4, 16, tzinfo=UTC), 15)


def test_record_findings_and_identifier_types_are_counted_when_present():
    from types import SimpleNamespace

    from leap_reporter.adapters.lifecycle import finding_counts
    records = [SimpleNamespace(findings=["invalid_nhs_number", "placeholder_email"], identifier_types=["email"]),
               SimpleNamespace(findings=["invalid_nhs_number"], identifier_types=[]), SimpleNamespace()]
    assert finding_counts(records) == {"identifier:email": 1, "invalid_nhs_number": 2, "placeholder_email": 1}
