"""Validate a file's rows against the standard dataset and decide whether the upload is usable.

Pure: rows come in as ``(row_number, cells)``, accepted records leave in chunks
through ``emit_chunk`` and problems through ``emit_problems``. The rules
themselves are the contracts' (``leap_contracts.dataset``); this module only
walks the file, counts and applies the file-level limits. Every reason and
message is one sentence that names no cell value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from dataclasses import dataclass, field

from leap_contracts.dataset import HeaderProblem, RowProblem, RowValidator, read_header
from leap_contracts.events import ValidatedRecord

from leap_uploader.domain.chunks import Chunker

ProblemKey = tuple[str, str | None, str]
"""(code, standard column or None, severity)."""

FIX = "fix the rows listed in the errors and upload the file again"


class FileRejected(Exception):
    """The whole file is unusable. ``reason`` is one sentence, safe to show and to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Tally:
    rows_total: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    chunk_count: int = 0
    problems: Counter[ProblemKey] = field(default_factory=Counter)
    """Rows with each problem (the header row counts once for each unknown column)."""


def validate_rows(
    rows: Iterable[tuple[int, list[str]]],
    *,
    chunk_size: int,
    emit_chunk: Callable[[int, list[ValidatedRecord]], None],
    emit_problems: Callable[[list[RowProblem]], None],
    read: Callable[[list[str]], Any] = read_header,
    validator_for: Callable[[Any], Any] = RowValidator,
) -> Tally:
    """The first non-blank row is the header; blank rows are skipped and not counted.

    ``read`` and ``validator_for`` are the standard dataset's by default (at-source files pass their own)."""
    tally = Tally()
    row_iter = iter(rows)
    header = read_file_header(row_iter, read, emit_problems, tally)
    validator = validator_for(header)
    chunker: Chunker[ValidatedRecord] = Chunker(chunk_size, emit_chunk)
    counts = tally.problems
    for number, cells in row_iter:
        if _blank(cells):
            continue
        tally.rows_total += 1
        record, problems = validator.validate(number, cells)
        if problems:
            emit_problems(problems)
            for p in problems:
                counts[(p.code, p.column, p.severity)] += 1
        if record is None:
            tally.rows_rejected += 1
        else:
            tally.rows_accepted += 1
            chunker.add(record)
    tally.chunk_count = chunker.close()
    return tally


def read_file_header(row_iter: Iterator[tuple[int, list[str]]], read: Callable[[list[str]], Any],
                     emit_problems: Callable[[list[RowProblem]], None], tally: Tally) -> Any:
    """Consume rows up to the first non-blank one and read it as the header (warning of unknown columns)."""
    header_row = next(((n, cells) for n, cells in row_iter if not _blank(cells)), None)
    if header_row is None:
        raise FileRejected("The file contains no rows.")
    header_number, header_cells = header_row
    try:
        header = read(header_cells)
    except HeaderProblem as problem:
        raise FileRejected(f"The header row cannot be used: {problem}.") from None
    unknown = getattr(header, "unknown", ())
    if unknown:
        emit_problems([_unknown_column(header_number, name) for name in unknown])
        tally.problems[("unknown_column", None, "warning")] += len(unknown)
    return header


def rejection_reason(tally: Tally, max_rejected_share: float) -> str | None:
    """Why the upload as a whole is rejected, or None when its accepted rows go on."""
    if tally.rows_total == 0:
        return "The file has a header row but no data rows."
    if tally.rows_accepted == 0:
        return f"None of the {tally.rows_total} rows passed validation; {FIX}."
    share = tally.rows_rejected / tally.rows_total
    if share > max_rejected_share:
        return (f"{tally.rows_rejected} of {tally.rows_total} rows ({share:.0%}) have errors, more than the "
                f"{max_rejected_share:.0%} allowed; {FIX}.")
    return None


def _blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


def _unknown_column(row_number: int, name: str) -> RowProblem:
    return RowProblem(row_number, name, "unknown_column", "warning",
                      "this column is not part of the standard dataset; it was ignored and its values were not stored")
