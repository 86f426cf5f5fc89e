"""Rows of ``upload_problems`` spooled in COPY binary format (``copy_binary``): written as validation finds
them, copied in whole by ``uploads.replace_problems``, read back by a dry run (which stores nothing)."""

from __future__ import annotations

from typing import BinaryIO

from leap_contracts.dataset import RowProblem

from leap_uploader.adapters import copy_binary as cb

COLUMNS = ["upload_id", "row_number", "column_name", "code", "severity", "message", "value"]


def write(spool: cb.CopyWriter, upload_field: bytes, problem: RowProblem) -> None:
    """One problem of the upload whose ``cb.uuid_field`` is ``upload_field``."""
    spool.write_row(upload_field, cb.int4(problem.row), cb.text(problem.column), cb.text(problem.code),
                    cb.text(problem.severity), cb.text(problem.message), cb.text(problem.value))


def read(spool: BinaryIO, limit: int) -> list[dict[str, object]]:
    """The first ``limit`` problems as the report lists them: row, column, severity, message, value."""
    return [{"row": cb.read_int4(row), "column": cb.read_text(column), "severity": cb.read_text(severity),
             "message": cb.read_text(message), "value": cb.read_text(value)}
            for _upload, row, column, _code, severity, message, value in cb.read_rows(spool, limit)]
