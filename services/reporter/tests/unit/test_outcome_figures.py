"""Outcome figures (pure): Wilson intervals, the groups, differences, and suppression of every count."""

from __future__ import annotations

import pytest

from leap_reporter.domain.disclosure import SUPPRESSED, Disclosure
from leap_reporter.domain.outcome_figures import ENGAGED, NOT_ENGAGED, Tallied, by_dimension, by_services, cells, wilson

EXACT = Disclosure(enabled=False)
STRANDS = {"CAN": "Diet", "DL": "Language", "MIR": "Language", "BS": "Social"}


def test_wilson_matches_published_values():
    low, high = wilson(81, 263)  # Newcombe's example: 0.2553 to 0.3662
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == pytest.approx(1.0)


def rows(*specs):
    return [Tallied("eyfsp_gld", positive, services, ward, 2025, n) for positive, services, ward, n in specs]


def test_groups_by_services_engaged_with_the_difference_from_the_not_engaged():
    counts = cells(rows((True, (), "Stockwell", 60), (False, (), "Stockwell", 40),
                        (True, ("CAN",), "Vassall", 30), (False, ("CAN",), None, 10),
                        (True, ("CAN", "DL"), None, 9), (True, ("BS", "CAN", "DL"), None, 8),
                        (False, ("CAN", "DL", "MIR", "BS"), None, 2)), STRANDS)
    assert [r.group for r in by_services(counts, ["eyfsp_gld"], EXACT)] == ["0", "1", "2", "3+"]
    table = {r.group: r for r in by_services(counts, ["eyfsp_gld"], EXACT)}
    assert (table["0"].numerator, table["0"].denominator) == (60, 100)
    assert (table["1"].numerator, table["1"].denominator, table["3+"].denominator) == (30, 40, 10)
    assert table["1"].difference == pytest.approx(0.75 - 0.6)
    assert table["0"].low == pytest.approx(wilson(60, 100)[0])


def test_strand_and_service_against_all_not_engaged_ward_and_year_against_their_own():
    counts = cells(rows((True, (), "Stockwell", 60), (False, (), "Stockwell", 40), (True, (), "Vassall", 5),
                        (True, ("CAN",), "Stockwell", 30), (False, ("CAN", "DL"), "Stockwell", 10)), STRANDS)
    strand = {(r.key, r.group): r for r in by_dimension(counts, ["eyfsp_gld"], "strand", ["Diet", "Language"], EXACT)}
    assert (strand[("Diet", ENGAGED)].numerator, strand[("Diet", ENGAGED)].denominator) == (30, 40)
    assert strand[("all", NOT_ENGAGED)].denominator == 105
    ward = {(r.key, r.group): r for r in by_dimension(counts, ["eyfsp_gld"], "ward", ["Stockwell"], EXACT)}
    assert ward[("Stockwell", ENGAGED)].difference == pytest.approx(30 / 40 - 60 / 100)


def test_every_count_is_suppressed_and_no_rate_is_shown_for_a_hidden_count():
    on = Disclosure()
    counts = cells(rows((True, (), None, 60), (False, (), None, 40), (True, ("CAN",), None, 5),
                        (True, ("CAN", "DL"), None, 20), (False, ("CAN", "DL"), None, 3),
                        (True, ("CAN", "DL", "BS"), None, 50), (False, ("CAN", "DL", "BS"), None, 50)), STRANDS)
    table = {r.group: r for r in by_services(counts, ["eyfsp_gld"], on)}
    assert table["1"].denominator == SUPPRESSED and table["1"].rate is None
    assert table["2"].numerator == SUPPRESSED  # 20 of 23: its complement (3) is a small number
    assert table["0"].denominator == 100 and table["0"].numerator == 60
    assert table["3+"].rate == 50 / 100  # from the published (rounded) counts
    for r in table.values():
        assert r.numerator == SUPPRESSED or r.numerator % 5 == 0
        assert r.denominator == SUPPRESSED or r.denominator % 5 == 0


def test_rates_come_from_exact_counts_only_where_the_shown_rate_cannot_give_the_count_back():
    on = Disclosure()
    counts = cells(rows((True, (), None, 2501), (False, (), None, 2502),  # 5,003 records: exact rate
                        (True, ("CAN",), None, 17), (False, ("CAN",), None, 6 + 2)), STRANDS)  # 25: from the shown
    table = {r.group: r for r in by_services(counts, ["eyfsp_gld"], on)}
    big, small = table["0"], table["1"]
    assert (big.numerator, big.denominator) == (2500, 5005)  # the counts are still rounded
    assert big.rate == 2501 / 5003 and (big.low, big.high) == wilson(2501, 5003)
    assert all(abs(n / 5003 - big.rate) < 0.0005 for n in range(2499, 2504))  # 0.1 point hides 5 numerators
    assert (small.numerator, small.denominator) == (15, 25) and small.rate == 15 / 25  # not 17/25
    assert small.difference == 15 / 25 - 2501 / 5003
    exact = {r.group: r for r in by_services(counts, ["eyfsp_gld"], EXACT)}
    assert exact["1"].rate == 17 / 25  # admins: exact everywhere
