"""The linkage policy's rules and the linkage-quality rows: which linkage is in force, what may be chosen, the
comparison and the quality tables through the disclosure step (no I/O)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from leap_contracts.events import LinkageQualityMeasuredV1, UploadLinkage

from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.linkage_policy import PolicyRefused, check_choice, comparison, in_force, over_count, signed
from leap_reporter.domain.linkage_quality import by_provider_rows, by_upload_rows, share, summary_rows

ON, OFF = Disclosure(), Disclosure(enabled=False)


def test_tolerant_can_be_chosen_only_while_it_runs_and_is_in_force_only_then():
    check_choice("exact", False)
    check_choice("tolerant", True)
    with pytest.raises(PolicyRefused, match="tolerant linkage is not running"):
        check_choice("tolerant", False)
    with pytest.raises(PolicyRefused, match="choose 'exact' or 'tolerant'"):
        check_choice("fuzzy", True)
    assert in_force("tolerant", True) == "tolerant" and in_force("tolerant", False) == "exact"


def test_the_difference_and_over_count_pass_the_disclosure_step():
    assert signed(-23, ON) == -25 and signed(3, ON) == "*" and signed(3, OFF) == 3
    assert over_count(1200, 1000, ON) == 0.2 and over_count(1003, 1000, ON) is None  # a difference of 3
    assert comparison("exact", 1200, 1000, ON, True) == {
        "published": "exact", "tolerant_running": True, "exact": 1200, "tolerant": 1000, "difference": 200,
        "exact_over_count": 0.2, "note": None}
    off = comparison("tolerant", 1200, None, ON, False)
    assert off["published"] == "exact" and off["tolerant"] is None and "not running" in off["note"]


def _measured(**changes) -> LinkageQualityMeasuredV1:
    uploads = [UploadLinkage(upload_id=uuid.UUID(int=1), provider_id="p1", records=500, fuzzy_linked=50, split=5),
               UploadLinkage(upload_id=uuid.UUID(int=2), provider_id="p1", records=300, fuzzy_linked=2, split=0),
               UploadLinkage(upload_id=uuid.UUID(int=3), provider_id="p2", records=4, fuzzy_linked=1, split=0)]
    return LinkageQualityMeasuredV1(measured_at=datetime(2026, 5, 1, tzinfo=UTC), version=1, exact_individuals=0,
                                    tolerant_individuals=0, pending_reviews=20, individuals_with_two_nhs_numbers=12,
                                    identifiers_across_birth_months=3, uploads=uploads, **changes)


def test_rates_per_upload_and_provider_are_shares_of_the_shown_counts():
    assert share(50, 500) == "10.0%" and share("*", 500) == "*" and share(0, 0) == ""
    assert by_provider_rows(_measured(), ON) == [("p1", "p1", 800, 50, "6.2%", "*", "*"),
                                                 ("p2", "p2", "*", "*", "*", 0, "*")]
    first, *_ = by_upload_rows(_measured(), ON)
    assert first == (str(uuid.UUID(int=1)), "00000000", "p1", 500, 50, "10.0%", "*", "*")


def test_summary_rows_say_both_counts_the_estimated_over_count_and_the_findings():
    rows = {key: value for key, _, value in summary_rows("exact", 1200, 1000, _measured(), ON)}
    assert (rows["exact"], rows["tolerant"], rows["difference"], rows["over_count"]) == (1200, 1000, 200, "+20.0%")
    assert rows["over_count_if_accepted"] == "+22.4%"  # 1,200 against at least 980 persons
    assert (rows["two_nhs"], rows["birth_months"], rows["pending_reviews"]) == (10, "*", 20)
    assert rows["fuzzy_share"] == "6.8%" and rows["measured_at"] == "2026-05-01 00:00 UTC"  # 55 of 805 shown
    assert [key for key, _, _ in summary_rows("exact", 1200, None, None, ON)] == ["not_running", "exact"]
