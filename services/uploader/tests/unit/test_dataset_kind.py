"""Which dataset an upload carries, and who may send it (pure)."""

import pytest

from leap_uploader.domain.dataset_kind import NotAllowed, UnknownUpload, check_code, dataset_of


def test_services_is_the_default_and_unknown_kinds_are_refused():
    assert dataset_of(None) == dataset_of("") == dataset_of(" Services ") == "services"
    assert dataset_of("OUTCOMES") == "outcomes"
    with pytest.raises(UnknownUpload, match="services .* or outcomes"):
        dataset_of("grades")


def test_outcome_data_only_from_a_provider_allowed_for_that_source():
    check_code("outcomes", "HV", "trust", frozenset({"CAN"}), frozenset({"HV"}))
    with pytest.raises(NotAllowed, match="not allowed to send outcome data of source CHIS"):
        check_code("outcomes", "CHIS", "trust", frozenset({"CAN"}), frozenset({"HV"}))
    with pytest.raises(UnknownUpload, match="unknown outcome source"):
        check_code("outcomes", "CAN", "trust", frozenset({"CAN"}), frozenset({"HV"}))


def test_service_uploads_keep_their_rules_and_point_a_source_to_the_outcomes_dataset():
    check_code("services", "CAN", "p", frozenset({"CAN"}), frozenset())
    with pytest.raises(NotAllowed, match="does not deliver service DL"):
        check_code("services", "DL", "p", frozenset({"CAN"}), frozenset())
    with pytest.raises(UnknownUpload, match="dataset=outcomes"):
        check_code("services", "HV", "p", frozenset({"CAN"}), frozenset({"HV"}))
