import io
import struct
import uuid

from leap_contracts.dataset import RowProblem
from leap_uploader.adapters import copy_binary as cb
from leap_uploader.adapters import problem_spool


def test_problems_read_back_as_written() -> None:
    writer = cb.CopyWriter(io.BytesIO())
    field = cb.uuid_field(uuid.uuid4())
    problem_spool.write(writer, field, RowProblem(1, "Notes", "unknown_column", "warning", "not a column"))
    problem_spool.write(writer, field, RowProblem(7, "gender", "invalid_value", "error", "not a gender", "Ω"))
    assert problem_spool.read(writer.close(), limit=10) == [
        {"row": 1, "column": "Notes", "severity": "warning", "message": "not a column", "value": None},
        {"row": 7, "column": "gender", "severity": "error", "message": "not a gender", "value": "Ω"}]


def test_rows_are_read_past_a_header_extension_and_up_to_the_limit() -> None:
    extension = b"ext!"
    spool = io.BytesIO(cb.SIGNATURE + struct.pack("!ii", 0, len(extension)) + extension
                       + b"".join(cb.row_prefix(2) + cb.int4(n) + cb.text(None) for n in range(3)) + cb.TRAILER)
    assert [[cb.read_int4(a), b] for a, b in cb.read_rows(spool)] == [[0, None], [1, None], [2, None]]
    assert len(list(cb.read_rows(spool, limit=2))) == 2
