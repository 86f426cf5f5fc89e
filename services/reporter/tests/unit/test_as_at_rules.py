"""The rules of "as at" questions and of the revision report (issue 17), without a database."""

from datetime import UTC, datetime

import pytest

from leap_reporter.domain.as_at import Moment, parse_as_at, revision_moments
from leap_reporter.domain.filters import InvalidFilters
from leap_reporter.domain.revisions import changed, difference, revision_cells

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def test_as_at_takes_a_day_or_a_moment_and_a_future_one_means_now():
    assert parse_as_at("2025-04-05", NOW) == datetime(2025, 4, 5, 23, 59, 59, 999999, tzinfo=UTC)
    assert parse_as_at("2025-04-05T09:30:00Z", NOW) == datetime(2025, 4, 5, 9, 30, tzinfo=UTC)
    assert parse_as_at("2025-04-05T09:30:00", NOW) == datetime(2025, 4, 5, 9, 30, tzinfo=UTC)  # no zone: UTC
    assert parse_as_at("2025-04-05T10:30:00+01:00", NOW) == datetime(2025, 4, 5, 9, 30, tzinfo=UTC)
    assert parse_as_at(None, NOW) is None and parse_as_at(" ", NOW) is None
    assert parse_as_at("2025-06-02", NOW) is None  # not yet past: the figures as they stand
    for nonsense in ("9999-12-31", "2025-13-01", "2025-04-05T25:00", "0001-01-01T00:00+05:00"):
        with pytest.raises(InvalidFilters):
            parse_as_at(nonsense, NOW)
    with pytest.raises(InvalidFilters) as bad:
        parse_as_at("5 April", NOW)
    assert bad.value.problems[0].param == "as_at" and "'5 April'" in bad.value.problems[0].message


def test_the_revision_steps_go_from_the_publication_to_now_one_kind_of_change_at_a_time():
    assert revision_moments(7, 12) == {"published": Moment(7, 7), "late_uploads": Moment(7, 7, added_until=12),
                                       "withdrawn_or_replaced": Moment(12, 7), "merges_and_splits": Moment(12, 12)}


def table(*rows):
    return {"columns": ["key", "Service", "Unique beneficiaries"], "rows": [list(r) for r in rows]}


def test_a_difference_is_shown_only_between_two_shown_values():
    assert difference(10, 25) == 15 and difference("*", 25) == "*" and difference(10, "*") == "*"
    published = table(("CAN", "Cantonese", "*"), ("MIR", "Mirror", 20), ("total", "Total", 30))
    steps = {"published": published,
             "late_uploads": table(("CAN", "Cantonese", 10), ("MIR", "Mirror", 20), ("PINE", "Pine", "*"),
                                   ("total", "Total", 40)),
             "withdrawn_or_replaced": table(("CAN", "Cantonese", 10), ("MIR", "Mirror", 15), ("PINE", "Pine", "*"),
                                            ("total", "Total", 35)),
             "merges_and_splits": table(("CAN", "Cantonese", 10), ("MIR", "Mirror", 15), ("PINE", "Pine", 10),
                                        ("total", "Total", 35))}
    rows, reproduced = revision_cells(published, steps)
    found = {r["row"]: (r["published"], r["current"], r["difference"], r["late_uploads"],
                        r["withdrawn_or_replaced"], r["merges_and_splits"]) for r in rows}
    assert reproduced and changed(rows)
    assert found == {"CAN": ("*", 10, "*", "*", 0, 0), "MIR": (20, 15, -5, 0, -5, 0),
                     "PINE": (0, 10, 10, "*", "*", "*"), "total": (30, 35, 5, 10, -5, 0)}


def test_a_figure_not_reproduced_says_so():
    steps = {name: table(("total", "Total", 35)) for name in
             ("published", "late_uploads", "withdrawn_or_replaced", "merges_and_splits")}
    rows, reproduced = revision_cells(table(("total", "Total", 30)), steps)
    assert not reproduced and rows[0]["difference"] == 5 and rows[0]["late_uploads"] == 0
