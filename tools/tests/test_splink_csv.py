"""Splink 5 on the provider files (leap_tools.splink_csv) reports what truth.json says.

The benchmark's extra (`pip install -e 'tools[bench]'`) is optional: without splink the tests skip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("splink", reason="splink is not installed: pip install -e 'tools[bench]' (optional extra)")
import duckdb  # noqa: E402  (splink depends on it)

from leap_contracts.pseudonymisation.normalise import (  # noqa: E402  (after the importorskip)
    NormalisationFinding,
    name_prefix,
    normalise_email,
    normalise_mobile,
    normalise_nhs_number,
)
from leap_tools.generator import generate  # noqa: E402  (after the importorskip)
from leap_tools.splink_csv import _macros, link_folder, main  # noqa: E402  (after the importorskip)

ROWS = 3_000


@pytest.fixture(scope="module")
def csv_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("splink-csv")
    generate(ROWS, out, seed=7, formats="csv")
    return out


def _truth(folder: Path) -> dict:
    return json.loads((folder / "truth.json").read_text(encoding="utf-8"))


def _check(result, truth: dict) -> None:
    assert result.rows == truth["totals"]["rows"]
    assert result.records == truth["totals"]["accepted"]  # the rows the platform rejects never link
    # reach: individuals with at least one attended contact, truth's unique_beneficiaries
    assert result.individuals_attended == truth["unique_beneficiaries"]
    assert result.individuals >= result.individuals_attended
    assert {s: result.by_service.get(s, 0) for s in truth["by_service"]} == truth["by_service"]
    assert set(result.by_service) <= set(truth["by_service"])


def test_csv_folder_matches_truth(csv_folder: Path):
    result = link_folder(csv_folder)
    _check(result, _truth(csv_folder))
    assert result.nodes == result.records and result.seconds > 0


def test_collapsed_records_give_the_same_figures(csv_folder: Path):
    plain, collapsed = link_folder(csv_folder), link_folder(csv_folder, collapse=True)
    assert collapsed.nodes < plain.nodes
    assert (collapsed.individuals, collapsed.individuals_attended, collapsed.by_service) == (
        plain.individuals, plain.individuals_attended, plain.by_service)


def test_mixed_formats_and_many_bad_rows(tmp_path: Path):
    """UTF-8, UTF-8 with BOM, Windows-1252 and XLSX files; 30% of the rows rejected."""
    generate(ROWS, tmp_path, seed=3, formats="mixed", bad_row_rate=0.3)
    encodings = {f["encoding"] for f in json.loads((tmp_path / "manifest.json").read_text())["files"]}
    assert {"utf-8", "utf-8-sig", "cp1252", None} <= encodings  # None: XLSX
    truth = _truth(tmp_path)
    # truth.json counts every accepted row; the uploader also rejects a whole file with more than half its
    # rows rejected (max_rejected_share 0.5), which small files hit at this rate
    _check(link_folder(tmp_path, max_rejected_share=1.0), truth)
    over_half = sorted(name for name, f in truth["files"].items() if f["rejected"] > f["rows"] / 2)
    assert sorted(link_folder(tmp_path).files_rejected) == over_half


def test_command_line_prints_the_comparison(csv_folder: Path, capsys):
    assert main([str(csv_folder)]) == 0
    out = capsys.readouterr().out
    assert "individuals_attended vs unique_beneficiaries" in out and "all figures agree" in out


@pytest.mark.parametrize(("macro", "python", "values"), [
    ("pnhs", normalise_nhs_number,
     ["4505577104", "450 557 7104", "450-557-7104", " 450 557 7104 ", "4505577105", "0000000000", "1234567890",
      "450557710", "45055771041", "450\u00a0557\u00a07104", "abcdefghij", ""]),
    ("pemail", normalise_email,
     ["Ann.Smith@Example.org ", " ann@mail.co.uk", "noemail@nhs.net", "none@none.com", "no@email.com",
      "n/a@x.com", "ann@none.com", "ann", "a@b", "a b@c.com", "ANN@MAIL.COM", "x@y.z", ""]),
    ("pmobile", normalise_mobile,
     ["07700 900123", "+44 7700 900123", "447700900123", "+447700900123", "0044 7700 900123", "(07700) 900-123",
      "07000000000", "07123456789", "02079460000", "0770090012", "7700900123", "", "077OO900123"]),
    ("pprefix", name_prefix,
     ["Zoë", "D'Andre", "Mary-Jane", "Jo", "  Anaïs", "ÁINE", "O'Neil", "Björn", "-", ""]),
])
def test_sql_normalisation_agrees_with_the_contracts(macro, python, values):
    con = duckdb.connect()
    con.execute(_macros())
    for value in values:
        try:
            expected = python(value)
        except NormalisationFinding:
            expected = None
        got = con.execute(f"SELECT {macro}(?)", [value]).fetchall()[0][0]
        if macro == "pnhs":  # the rules strip a cell before normalising it
            got = con.execute("SELECT pnhs(pstrip(?))", [value]).fetchall()[0][0]
        assert got == expected, (macro, value)
