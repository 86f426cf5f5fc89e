"""Recording errors at known rates: the same people, the exact rules' truth
still right (checked by the independent reference), the person map complete."""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path

import pytest
from gen_readback import read_records
from gen_reference import Reference, load_wards

from leap_tools.generator import generate
from leap_tools.generator.errors import REALISTIC, ErrorInjector, ErrorRates
from leap_tools.generator.person_map import read_person_map

ROWS = 6_000
HIGH = ErrorRates(name_typo=0.3, name_transposition=0.3, name_variant=0.3, dob_day_month_swap=0.3,
                  changed_email=0.3, changed_mobile=0.3, carer_missing=0.3)


def _data(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.csv"))}


def _truth(directory: Path) -> dict:
    return json.loads((directory / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name, rates in (("plain", None), ("zero", ErrorRates()), ("high", HIGH)):
        out[name] = tmp_path_factory.mktemp(name)
        generate(ROWS, out[name], seed=5, formats="csv", error_rates=rates, person_map=name == "high")
    return out


def test_zero_rates_write_the_same_files(folders):
    assert _data(folders["plain"]) == _data(folders["zero"])
    assert _truth(folders["zero"])["errors"]["applied"] == dict.fromkeys(HIGH.to_json(), 0)


def test_errors_keep_the_people_and_split_them(folders):
    plain, high = _truth(folders["plain"]), _truth(folders["high"])
    assert _data(folders["plain"]) != _data(folders["high"])
    assert high["persons"] == plain["persons"] > 0
    assert high["totals"]["rejected"] == plain["totals"]["rejected"]
    assert high["unique_beneficiaries"] > plain["unique_beneficiaries"] > plain["persons"]


def test_each_error_is_made_at_about_its_rate(folders):
    errors = _truth(folders["high"])["errors"]
    assert errors["rates"] == HIGH.to_json()
    profiles = errors["profiles"]
    for kind in ("name_typo", "name_transposition"):  # possible on (nearly) every profile
        assert 0.25 < errors["applied"][kind] / profiles < 0.35, kind
    for kind in ("name_variant", "dob_day_month_swap", "changed_email", "changed_mobile", "carer_missing"):
        assert 0 < errors["applied"][kind] / profiles < 0.3, kind


def test_truth_with_errors_matches_the_independent_reference(folders):
    folder = folders["high"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    ref = Reference(load_wards(Path(str(resources.files("leap_tools.generator").joinpath("postcodes.csv")))))
    for entry in manifest["files"]:
        for rec in read_records(folder / entry["file"], entry["format"], entry["encoding"]):
            ref.add(entry["service"], rec)
    assert ref.figures()["unique"] == _truth(folder)["unique_beneficiaries"]


def test_person_map_names_every_record(folders):
    folder = folders["high"]
    persons = read_person_map(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    seen = set()
    for entry in manifest["files"]:
        with (folder / entry["file"]).open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            column = [h.strip().lower() for h in next(rows)].index("provider_record_id")
            for cells in rows:
                if cells[column]:
                    assert (entry["service"], cells[column]) in persons
                    seen.add(persons[(entry["service"], cells[column])])
    assert len(seen) >= _truth(folder)["persons"]


def test_rates_parse_and_refuse_nonsense():
    assert ErrorRates.parse("realistic") == REALISTIC
    assert ErrorRates.parse("none") == ErrorRates()
    assert ErrorRates.parse("name_typo=0.5, carer_missing=0.1") == ErrorRates(name_typo=0.5, carer_missing=0.1)
    with pytest.raises(ValueError):
        ErrorRates.parse("typo=0.1")
    with pytest.raises(ValueError):
        ErrorRates(name_typo=1.5)


def test_zero_rates_draw_nothing():
    injector = ErrorInjector(ErrorRates(), seed=1)
    state = injector.rng.getstate()
    injector.apply(None, [])  # type: ignore[arg-type]
    assert injector.rng.getstate() == state and injector.profiles == 0
