"""truth.json (computed from canonical values) agrees with an independent
implementation of the rules run over the cells actually written."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from importlib import resources
from pathlib import Path

from gen_readback import read_records
from gen_reference import Reference, load_wards


def _reference(dataset: Path, manifest: dict) -> Reference:
    table = Path(str(resources.files("leap_tools.generator").joinpath("postcodes.csv")))
    ref = Reference(load_wards(table))
    for entry in manifest["files"]:
        for rec in read_records(dataset / entry["file"], entry["format"], entry["encoding"]):
            ref.add(entry["service"], rec)
    return ref


def test_rejections_and_warnings_per_file(mixed_dataset, manifest, truth):
    ref = _reference(mixed_dataset, manifest)
    assert truth["totals"]["rejected"] > 0
    for entry in manifest["files"]:
        expected = truth["files"][entry["file"]]
        by_column = {k: v for k, v in expected["rejected_by_column"].items() if v}
        assert dict(ref.rejected[entry["service"]]) == by_column, entry["file"]
        assert sum(expected["rejected_by_reason"].values()) == expected["rejected"]
        assert expected["accepted"] + expected["rejected"] == expected["rows"] == entry["rows"]
        warnings = {k: v for k, v in expected["warnings_by_kind"].items() if v}
        assert dict(ref.warnings[entry["service"]]) == warnings, entry["file"]


def test_unique_beneficiaries_and_breakdowns(mixed_dataset, manifest, truth):
    ref = _reference(mixed_dataset, manifest)
    assert dt.date(2024, 1, 1) <= ref.first_date and ref.last_date <= dt.date(2025, 12, 31)
    figures = ref.figures()
    assert figures["unique"] == truth["unique_beneficiaries"]
    assert figures["by_service"] == Counter({k: v for k, v in truth["by_service"].items() if v})
    assert figures["by_ward"] == Counter({k: v for k, v in truth["by_ward"].items() if v})
    assert figures["by_year"] == Counter({k: v for k, v in truth["by_year"].items() if v})


def test_truth_shape(truth, manifest):
    assert set(truth["files"]) == {f["file"] for f in manifest["files"]}
    assert truth["unique_beneficiaries"] == sum(truth["unique_beneficiaries_by_type"].values())
    assert truth["unique_beneficiaries"] == sum(truth["by_number_of_services"].values())
    assert truth["diagnostics"]["mixed_type_individuals"] == 0
    assert truth["diagnostics"]["people_split_over_several_individuals"] > 0
    assert truth["diagnostics"]["individuals_joining_several_people"] > 0
    rate = truth["totals"]["rejected"] / truth["totals"]["rows"]
    assert 0.005 < rate < 0.015
