"""The generator's outcome extracts: separate from the service files, read by the contract's rules exactly as
its truth says, and carrying the known effect of engagement."""

from __future__ import annotations

import csv
import json
from functools import partial
from pathlib import Path

import pytest

from leap_contracts.outcomes import OutcomeRowValidator, read_outcome_header
from leap_tools.generator import generate
from leap_tools.generator.outcome_records import p_positive

ROWS = 12_000


@pytest.fixture(scope="module")
def with_outcomes(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("outcomes")
    generate(ROWS, out, seed=5, formats="csv", outcomes=True)
    return out


def _truth(out: Path) -> dict:
    return json.loads((out / "truth.json").read_text(encoding="utf-8"))


def test_service_files_and_their_truth_are_the_same_without_outcomes(with_outcomes, tmp_path):
    generate(ROWS, tmp_path, seed=5, formats="csv")
    for path in tmp_path.glob("*.csv"):
        assert path.read_bytes() == (with_outcomes / path.name).read_bytes(), path.name
    with_truth = _truth(with_outcomes)
    with_truth.pop("outcomes")
    assert with_truth == _truth(tmp_path)
    assert not list(tmp_path.glob("outcomes-*.csv"))


def test_the_contracts_rules_accept_exactly_the_rows_the_truth_says(with_outcomes):
    files = _truth(with_outcomes)["outcomes"]["files"]
    assert set(files) == {"outcomes-HV.csv", "outcomes-EDU.csv", "outcomes-NCMP.csv", "outcomes-DENTAL.csv",
                          "outcomes-CHIS.csv"}
    for name, expected in files.items():
        with (with_outcomes / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        validator = partial(OutcomeRowValidator, source=expected["source"])(read_outcome_header(rows[0]))
        kept = sum(validator.validate(n, cells)[0] is not None for n, cells in enumerate(rows[1:], 2))
        assert (len(rows) - 1, kept) == (expected["rows"], expected["accepted"]), name


def test_figures_are_consistent_and_cover_engaged_and_comparison_children(with_outcomes):
    outcomes = _truth(with_outcomes)["outcomes"]
    records = outcomes["records"]
    assert records["unlinked"] > records["linked"] > 0 and records["bridging"] > 0 and records["unlinkable"] > 0
    for code, figures in outcomes["measures"].items():
        groups = figures["services_engaged"]
        for cell in groups.values():
            assert 0 <= cell["numerator"] <= cell["denominator"], code
        by_year = figures["year"]
        assert sum(y["not_engaged"]["denominator"] for y in by_year.values()) == groups["0"]["denominator"]
        assert sum(y["engaged"]["denominator"] for y in by_year.values()) == sum(
            groups[g]["denominator"] for g in ("1", "2", "3+"))
    coverage = outcomes["coverage"]
    assert 0 < coverage["asq3_communication"]["children"] <= coverage["any"]["children"] < coverage["any"]["of"]


def test_the_effect_of_engagement_is_known_and_shows():
    assert p_positive("eyfsp_gld", 3) > p_positive("eyfsp_gld", 1) > p_positive("eyfsp_gld", 0)
    assert p_positive("dental_decay_5", 2) < p_positive("dental_decay_5", 0)
    assert p_positive("eyfsp_gld", 7) == p_positive("eyfsp_gld", 3)


def test_the_same_seed_writes_the_same_extracts(with_outcomes, tmp_path):
    generate(ROWS, tmp_path, seed=5, formats="csv", outcomes=True)
    for path in with_outcomes.glob("outcomes-*.csv"):
        assert path.read_bytes() == (tmp_path / path.name).read_bytes(), path.name
    assert _truth(tmp_path)["outcomes"] == _truth(with_outcomes)["outcomes"]


def test_the_rules_fast_path_agrees_with_the_checked_rules_on_every_row(with_outcomes):
    """OutcomeRowValidator reads clean rows on a memoised fast path: same record, same (no) problems."""
    for name, expected in _truth(with_outcomes)["outcomes"]["files"].items():
        with (with_outcomes / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        validator = OutcomeRowValidator(read_outcome_header(rows[0]), expected["source"])
        for n, cells in enumerate(rows[1:], 2):
            fast, fast_problems = validator.validate(n, cells)
            slow, slow_problems = validator._checked(n, cells)
            assert fast_problems == slow_problems, (name, n)
            assert (fast.model_dump() if fast else None) == (slow.model_dump() if slow else None), (name, n)
