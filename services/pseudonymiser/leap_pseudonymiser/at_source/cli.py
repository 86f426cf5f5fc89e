"""``leap-pseudonymise``: pseudonymise a provider file at source, offline, with the programme key.

The key comes from the environment only (``PSEUDONYMISER_KEY``, hex, and
``PSEUDONYMISER_KEY_ID``), never from a command-line argument (shell history).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from leap_contracts.dataset.columns import HeaderProblem
from leap_contracts.pseudonymisation import Tokeniser, parse_key

from leap_pseudonymiser.at_source.reading import UnreadableFile
from leap_pseudonymiser.at_source.run import Summary, pseudonymise_file
from leap_pseudonymiser.adapters.onspd_file import ward_table

app = typer.Typer(add_completion=False, help=__doc__)
console = Console(stderr=True)


def _estimate_rows(path: Path) -> int | None:
    if path.suffix.lower() != ".csv":
        return None
    with path.open("rb") as f:
        sample = f.read(1 << 16)
    lines = sample.count(b"\n")
    return max(int(path.stat().st_size / (len(sample) / lines)) - 1, 1) if lines > 1 else None


@app.command()
def pseudonymise(
    source: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                           help="Provider file: CSV or XLSX, standard dataset columns.")],
    output: Annotated[Path, typer.Argument(dir_okay=False, help="Pseudonymised CSV to write (manifest beside it).")],
    service: Annotated[str, typer.Option("--service", "-s", help="Service code the file is for (e.g. DL).")],
    wards: Annotated[Path, typer.Option(exists=True, dir_okay=False,
                                        help="Postcode-to-ward table, ONS Postcode Directory CSV layout.")],
    ward_names: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help="ONS ward names and codes CSV.")] = None,
    dataset: Annotated[str, typer.Option("--dataset", help="services (a service file) or outcomes (an outcome "
                                         "extract; --service is then its source, e.g. HV).")] = "services",
) -> None:
    """Replace every identifier by its token; keep only non-identifying fields; write a manifest."""
    try:
        key = parse_key(os.environ["PSEUDONYMISER_KEY"], "PSEUDONYMISER_KEY")
        tokeniser = Tokeniser(key, os.environ["PSEUDONYMISER_KEY_ID"])
    except KeyError as missing:
        console.print(f"[red]set {missing.args[0]} (the programme key and its id) in the environment[/red]")
        raise typer.Exit(2) from None
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if output.resolve() == source.resolve():
        console.print("[red]the output must not overwrite the source file[/red]")
        raise typer.Exit(2)
    table = ward_table(wards, ward_names)
    columns = [TextColumn("[bold]pseudonymising"), BarColumn(), MofNCompleteColumn(), TextColumn("rows"), TimeElapsedColumn()]
    try:
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task("rows", total=_estimate_rows(source))
            summary = pseudonymise_file(source, output, tokeniser=tokeniser, service_code=service, wards=table,
                                        progress=lambda n: bar.update(task, completed=n), dataset=dataset)
            bar.update(task, total=summary.rows_read, completed=summary.rows_read)
    except (HeaderProblem, UnreadableFile) as exc:
        console.print(f"[red]cannot read {source.name}: {exc}[/red]")
        raise typer.Exit(1) from None
    _print_summary(summary, output)


def _print_summary(summary: Summary, output: Path) -> None:
    m = summary.manifest
    console.print(f"rows read {summary.rows_read}, written {summary.rows_written}, "
                  f"rejected {summary.rows_read - summary.rows_written}")
    if summary.unknown_columns:
        console.print(f"[yellow]ignored columns (not in the standard dataset): {', '.join(summary.unknown_columns)}[/yellow]")
    if summary.errors:
        table = Table("column", "problem", "rows rejected", title="rows not written")
        for (column, code), n in sorted(summary.errors.items()):
            table.add_row(column, code, str(n))
        console.print(table)
        console.print("first rejected rows: " + ", ".join(f"row {p.row} {p.column} ({p.code})" for p in summary.examples))
    if summary.findings:
        table = Table("finding", "rows", title="data-quality findings (rows kept; the identifier does not link)")
        for code, n in summary.findings.most_common():
            table.add_row(code, str(n))
        console.print(table)
    console.print(f"wrote {output} and {output.name}.manifest.json: key id {m.key_id}, key check value "
                  f"{m.key_check_value}, spec version {m.spec_version}, sha256 {m.sha256[:16]}...")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
