"""Small-number suppression: primary, rounding, secondary, and nothing recoverable by differencing."""

from itertools import product

import pytest

from leap_reporter.domain.disclosure import SUPPRESSED, Disclosure

D = Disclosure()


@pytest.mark.parametrize(("n", "shown"), [(0, 0), (1, "*"), (7, "*"), (8, 10), (12, 10), (13, 15), (100, 100),
                                          (102, 100), (103, 105)])
def test_a_single_count_is_suppressed_from_1_to_7_and_otherwise_rounded_to_5(n, shown):
    assert D.count(n) == shown


def test_threshold_and_base_are_configurable_and_off_means_exact():
    assert Disclosure(threshold=10, base=10).count(10) == "*"
    assert Disclosure(threshold=10, base=10).count(14) == 10
    assert Disclosure(enabled=False).count(3) == 3
    assert Disclosure(enabled=False).breakdown({"a": 3, "b": 40}, 43) == {"a": 3, "b": 40}


def test_one_suppressed_cell_takes_the_next_smallest_with_it():
    assert D.breakdown({"a": 3, "b": 20, "c": 40, "d": 0}, 63) == {"a": "*", "b": "*", "c": 40, "d": 0}


def test_suppressed_cells_together_must_exceed_the_threshold():
    # 2 + 3 = 5 could be read as "5 people in a or b": add the next smallest shown cell
    assert D.breakdown({"a": 2, "b": 3, "c": 30, "d": 50}, 85) == {"a": "*", "b": "*", "c": "*", "d": 50}
    assert D.breakdown({"a": 5, "b": 6, "c": 30}, 41) == {"a": "*", "b": "*", "c": 30}


def test_nothing_is_suppressed_when_nothing_is_small():
    assert D.breakdown({"a": 8, "b": 9}, 17) == {"a": 10, "b": 10}


def _feasible(published: dict, total_shown, threshold=7, base=5):
    """Every exact table consistent with what was published (cells 0..60)."""
    half = base // 2
    ranges = {k: [0] if v == 0 else (range(1, 61) if v == SUPPRESSED else range(max(1, v - half), v + half + 1))
              for k, v in published.items()}
    keys = list(ranges)
    for values in product(*(ranges[k] for k in keys)):
        if abs(sum(values) - total_shown) <= half:
            yield dict(zip(keys, values, strict=True))


@pytest.mark.parametrize("cells", [
    {"a": 3, "b": 20, "c": 13},
    {"a": 1, "b": 9, "c": 11, "d": 0},
    {"a": 6, "b": 2, "c": 12},
    {"a": 4, "b": 27},
])
def test_differencing_the_total_and_the_shown_cells_never_pins_a_suppressed_cell(cells):
    total = sum(cells.values())
    published = D.breakdown(cells, total)
    assert SUPPRESSED in published.values()
    tables = list(_feasible(published, D.count(total)))
    for key, value in published.items():
        if value == SUPPRESSED:
            possible = {t[key] for t in tables}
            assert len(possible) > 1, (key, possible)
            # and the suppressed cells' combined value is not pinned either
    hidden = [k for k, v in published.items() if v == SUPPRESSED]
    assert len({sum(t[k] for k in hidden) for t in tables}) > 1


def test_two_breakdowns_of_the_same_people_do_not_reveal_each_others_suppressed_cells():
    # 50 people; by service: CAN 3, MIR 47; by ward: X 25, Y 25. The same total is published once (rounded)
    by_service = D.breakdown({"CAN": 3, "MIR": 47}, 50)
    by_ward = D.breakdown({"X": 25, "Y": 25}, 50)
    assert by_service == {"CAN": "*", "MIR": "*"} and by_ward == {"X": 25, "Y": 25}
    # the ward breakdown's rounded cells and the total give nothing about CAN: both its cells are hidden
    assert D.count(50) == 50


def test_overlap_matrix_hides_a_cell_in_both_rows_and_keeps_each_row_safe():
    cells = {("A", "A"): 40, ("B", "B"): 30, ("C", "C"): 25, ("A", "B"): 3, ("A", "C"): 20, ("B", "C"): 12}
    shown = D.matrix(cells)
    assert shown[("A", "B")] == "*"
    for service in "ABC":
        row = [v for k, v in shown.items() if service in k and k[0] != k[1]]
        assert row.count("*") != 1, (service, row)
    assert shown[("A", "A")] == 40 and shown[("B", "B")] == 30
