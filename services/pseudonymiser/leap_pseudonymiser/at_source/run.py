"""Run the tool on one file: stream rows through the row maker, write the output, then the manifest."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from leap_contracts.dataset.at_source import (
    AT_SOURCE_COLUMNS,
    MATCH_KEY_COLUMNS,
    AtSourceManifest,
    FindingCount,
    manifest_name,
)
from leap_contracts.dataset.columns import read_header
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser
from leap_contracts.pseudonymisation.match_keys import MatchKeyMaker

from leap_contracts.outcomes import read_outcome_header

from leap_pseudonymiser.at_source import outcome_rows
from leap_pseudonymiser.at_source.reading import read_rows
from leap_pseudonymiser.at_source.rows import AtSourceRowMaker, Problem, WardTable

TOOL_VERSION = "1.0.0"
EXAMPLES_KEPT = 20


@dataclass
class Summary:
    rows_read: int = 0
    rows_written: int = 0
    errors: Counter = field(default_factory=Counter)
    """(column, code) -> rows rejected for it."""
    findings: Counter = field(default_factory=Counter)
    """finding code -> rows."""
    unknown_columns: tuple[str, ...] = ()
    examples: list[Problem] = field(default_factory=list)
    """The first rejected rows (row number, column, code): where to look first."""
    manifest: AtSourceManifest | None = None


def pseudonymise_file(source: Path, output: Path, *, tokeniser: Tokeniser, service_code: str, wards: WardTable,
                      progress: Callable[[int], None] = lambda n: None, dataset: str = "services") -> Summary:
    """Write ``output`` and ``<output>.manifest.json``; ``progress`` gets the source bytes-ish row count done.
    ``dataset`` outcomes: an outcome extract of the source ``service_code`` (docs/outcomes-dataset.md)."""
    rows = read_rows(source)
    columns = AT_SOURCE_COLUMNS
    if dataset == "outcomes":
        header = read_outcome_header(next(rows, []))
        maker = outcome_rows.OutcomeAtSourceRowMaker(header, service_code, RowIdentifier(tokeniser), wards)
        columns = outcome_rows.COLUMNS
    else:
        header = read_header(next(rows, []))
        maker = AtSourceRowMaker(header, service_code, RowIdentifier(tokeniser), wards, MatchKeyMaker(tokeniser))
        columns = (*AT_SOURCE_COLUMNS, *MATCH_KEY_COLUMNS)
    summary = Summary(unknown_columns=header.unknown)
    make, findings, errors = maker.make, summary.findings, summary.errors
    written = read = blank = 0
    with output.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        batch: list[list[str]] = []
        for read, cells in enumerate(rows, start=2):
            if not any(cells):
                blank += 1
                continue
            out, problems, row_findings = make(read, cells)
            if out is None:
                for p in problems:
                    errors[(p.column, p.code)] += 1
                if len(summary.examples) < EXAMPLES_KEPT:
                    summary.examples.extend(problems[: EXAMPLES_KEPT - len(summary.examples)])
                continue
            findings.update(row_findings)
            batch.append(out)
            if len(batch) == 5000:
                writer.writerows(batch)
                written += len(batch)
                batch.clear()
                progress(read - 1)
        writer.writerows(batch)
        written += len(batch)
    summary.rows_read = max(read - 1 - blank, 0)
    summary.rows_written = written
    progress(summary.rows_read)
    summary.manifest = _manifest(output, tokeniser, service_code, summary)
    output.with_name(manifest_name(output.name)).write_text(summary.manifest.model_dump_json(indent=2) + "\n")
    return summary


def _manifest(output: Path, tokeniser: Tokeniser, service_code: str, summary: Summary) -> AtSourceManifest:
    digest = hashlib.sha256()
    with output.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    counts = [FindingCount(code=code, column=column, rows=n) for (column, code), n in sorted(summary.errors.items())]
    counts += [FindingCount(code=code, rows=n) for code, n in sorted(summary.findings.items())]
    return AtSourceManifest(
        spec_version=tokeniser.spec_version, key_id=tokeniser.key_id, key_check_value=tokeniser.key_check_value,
        service_code=service_code, file_name=output.name, row_count=summary.rows_written, sha256=digest.hexdigest(),
        rows_read=summary.rows_read, rows_rejected=summary.rows_read - summary.rows_written, findings=counts,
        tool_version=TOOL_VERSION, created_at=datetime.now(UTC),
    )
