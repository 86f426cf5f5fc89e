"""`python -m leap_tools.generator` / `leap-generate`: the command line."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from leap_tools.generator.errors import ErrorRates
from leap_tools.generator.run import DEFAULT_BAD_ROW_RATE, generate


class Formats(StrEnum):
    mixed = "mixed"
    csv = "csv"


app = typer.Typer(add_completion=False, pretty_exceptions_show_locals=False)


@app.command()
def main_command(
    rows: Annotated[int, typer.Option("--rows", min=0, help="Data rows to write over all files.")],
    out: Annotated[Path, typer.Option("--out", help="Output directory (created if missing).")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same files and truth.")] = 1,
    formats: Annotated[Formats, typer.Option("--formats", help="mixed: CSV (UTF-8, BOM, "
                       "Windows-1252) and XLSX; csv: UTF-8 CSV only.")] = Formats.mixed,
    bad_row_rate: Annotated[float, typer.Option("--bad-row-rate", min=0.0, max=0.5,
                            help="Share of rows made invalid (rejected).")] = DEFAULT_BAD_ROW_RATE,
    errors: Annotated[str, typer.Option("--errors", help="Recording errors: none, realistic, or "
                      "kind=rate,... (kinds: errors.py).")] = "none",
    person_map: Annotated[bool, typer.Option("--person-map", help="Also write persons.csv: the "
                          "person of each service record.")] = False,
    outcomes: Annotated[bool, typer.Option("--outcomes", help="Also write outcome extracts for the whole area "
                        "(outcomes-<SOURCE>.csv) and their figures in truth.json.")] = False,
) -> None:
    """Write synthetic provider files for the LEAP programme, manifest.json and truth.json."""
    try:
        rates = ErrorRates.parse(errors)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--errors") from error
    summary = generate(rows, out, seed=seed, formats=formats.value, bad_row_rate=bad_row_rate,
                       error_rates=rates, person_map=person_map, outcomes=outcomes)
    Console(stderr=True).print(
        f"wrote {summary.rows:,} rows in {summary.files} files to {summary.out} "
        f"({summary.rejected:,} to be rejected; {summary.unique_beneficiaries:,} unique "
        f"beneficiaries) in {summary.seconds:.1f} s"
    )


def main() -> None:
    app()
