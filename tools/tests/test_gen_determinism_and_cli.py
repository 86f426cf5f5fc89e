"""Same seed, same bytes (whatever the interpreter's hash seed); the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from leap_tools.generator import generate
from leap_tools.generator.cli import app

ROWS = 3_000


def _cli(out: Path, seed: int, hash_seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run(
        [sys.executable, "-m", "leap_tools.generator", "--rows", str(ROWS), "--out", str(out),
         "--seed", str(seed)],
        check=True, env=env, capture_output=True,
    )


def _contents(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_same_seed_same_bytes_across_processes(tmp_path: Path):
    _cli(tmp_path / "a", 21, "1")
    _cli(tmp_path / "b", 21, "2")
    assert _contents(tmp_path / "a") == _contents(tmp_path / "b")


def test_other_seed_other_data(tmp_path: Path):
    generate(ROWS, tmp_path / "a", seed=1, formats="csv")
    generate(ROWS, tmp_path / "b", seed=2, formats="csv")
    assert _contents(tmp_path / "a") != _contents(tmp_path / "b")


def test_formats_change_files_not_figures(tmp_path: Path):
    generate(ROWS, tmp_path / "mixed", seed=4, formats="mixed")
    generate(ROWS, tmp_path / "csv", seed=4, formats="csv")
    mixed, csv = (json.loads((tmp_path / d / "truth.json").read_text()) for d in ("mixed", "csv"))
    assert {f["encoding"] for f in csv["files"].values()} == {"utf-8"}
    assert all(name.endswith(".csv") for name in csv["files"])
    for key in ("unique_beneficiaries", "by_service", "by_ward", "by_year", "totals", "service_overlap"):
        assert mixed[key] == csv[key], key


def test_exact_row_count_and_regeneration_replaces_outputs(tmp_path: Path):
    generate(ROWS, tmp_path, seed=4, formats="mixed")
    generate(257, tmp_path, seed=4, formats="csv")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["rows"] == 257 == sum(f["rows"] for f in manifest["files"])
    assert {p.name for p in tmp_path.iterdir()} == {f["file"] for f in manifest["files"]} | {
        "manifest.json", "truth.json"}


def test_cli_runs_and_reports(tmp_path: Path):
    result = CliRunner().invoke(app, ["--rows", "500", "--out", str(tmp_path), "--seed", "3",
                                      "--formats", "csv"])
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth["rows"] == 500 and truth["seed"] == 3 and truth["formats"] == "csv"
    assert CliRunner().invoke(app, ["--rows", "5", "--out", str(tmp_path), "--formats", "tsv"]).exit_code != 0


def test_zero_rows(tmp_path: Path):
    summary = generate(0, tmp_path)
    assert summary.rows == 0 and summary.files == 0
    assert json.loads((tmp_path / "truth.json").read_text())["unique_beneficiaries"] == 0
