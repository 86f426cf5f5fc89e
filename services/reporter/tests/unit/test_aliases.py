"""The merge rule keeps the alias map flat whatever order merges arrive in."""

import itertools

import pytest

from leap_reporter.domain.aliases import MergePlan, apply_plan, plan_merge


def replay(merges: list[tuple[str, list[str]]]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for survivor, merged in merges:
        apply_plan(aliases, plan_merge(survivor, merged, aliases.get(survivor)))
    return aliases


def test_plan_targets_the_survivor_or_where_it_already_resolves():
    assert plan_merge("B", ["A"], None) == MergePlan("B", ("A",))
    assert plan_merge("B", ["A"], "C") == MergePlan("C", ("A",))


def test_plan_drops_duplicates_and_merges_into_oneself():
    assert plan_merge("B", ["A", "A", "C"], "C") == MergePlan("C", ("A",))


def test_chain_in_order_and_out_of_order():
    assert replay([("B", ["A"]), ("C", ["B"])]) == {"A": "C", "B": "C"}
    assert replay([("C", ["B"]), ("B", ["A"])]) == {"A": "C", "B": "C"}


# Merges the matcher could emit for: A,B -> C; D -> E; C,E -> F; F -> G; X -> Y (unrelated).
HISTORY = [("C", ["A", "B"]), ("E", ["D"]), ("F", ["C", "E"]), ("G", ["F"]), ("Y", ["X"])]
FINAL = {"A": "G", "B": "G", "C": "G", "D": "G", "E": "G", "F": "G", "X": "Y"}


@pytest.mark.parametrize("order", list(itertools.permutations(HISTORY)))
def test_every_arrival_order_resolves_every_ref_to_its_final_survivor(order):
    aliases = replay(list(order))
    assert aliases == FINAL
    assert not set(aliases.values()) & set(aliases)  # flat: no survivor is itself merged


def test_replaying_a_merge_changes_nothing():
    assert replay(HISTORY + HISTORY) == FINAL
