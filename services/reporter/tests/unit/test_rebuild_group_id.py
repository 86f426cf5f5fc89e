from datetime import UTC, datetime

from leap_reporter.cli.rebuild import new_group_id


def test_new_group_ids_are_fresh_and_say_what_they_are():
    assert new_group_id(datetime(2024, 4, 1, 12, 0, 5, 123456, tzinfo=UTC)) == \
        "leap-reporter-rebuild-20240401T120005123456Z"
    assert new_group_id() != new_group_id(datetime(2020, 1, 1, tzinfo=UTC))
