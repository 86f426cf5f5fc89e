"""One result per child per measure: the later record counts; on one day, not positive; then a ward."""

from __future__ import annotations

from datetime import date

from leap_contracts.outcomes.one_result import one_per_child, precedence

MAY, JUNE = date(2025, 5, 1), date(2025, 6, 1)


def counted(*records):
    """records: (child, measure, day, positive, ward) -> the ones that count, as a set."""
    return set(one_per_child(records, lambda r: (r[0], r[1]), lambda r: precedence(r[2], r[3], r[4])))


def test_the_latest_record_of_a_childs_measure_counts():
    assert counted(("a", "eyfsp_gld", JUNE, False, None), ("a", "eyfsp_gld", MAY, True, "Vassall")) == {
        ("a", "eyfsp_gld", JUNE, False, None)}


def test_other_children_and_other_measures_are_apart():
    records = {("a", "m1", MAY, True, None), ("b", "m1", MAY, True, None), ("a", "m2", MAY, False, None)}
    assert counted(*records) == records


def test_on_one_day_not_positive_wins_then_a_ward_then_the_greater_ward_name():
    assert counted(("a", "m", MAY, True, "X"), ("a", "m", MAY, False, None)) == {("a", "m", MAY, False, None)}
    assert counted(("a", "m", MAY, True, None), ("a", "m", MAY, True, "Stockwell")) == {
        ("a", "m", MAY, True, "Stockwell")}
    assert counted(("a", "m", MAY, True, "Stockwell"), ("a", "m", MAY, True, "Vassall")) == {
        ("a", "m", MAY, True, "Vassall")}


def test_the_winner_does_not_depend_on_the_order_records_arrive():
    records = [("a", "m", d, p, w) for d in (MAY, JUNE) for p in (True, False) for w in (None, "A", "B")]
    assert counted(*records) == counted(*reversed(records)) == {("a", "m", JUNE, False, "B")}
