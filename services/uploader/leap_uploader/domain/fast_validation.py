"""Validate a file's rows against the standard dataset, writing accepted records straight to JSON.

The same result as :func:`leap_uploader.domain.validation.validate_rows` with the standard
``RowValidator`` (the same tally, the same problems in the same order, records whose JSON is
byte for byte what pydantic writes), several times cheaper per row: rows are read a block at
a time, column by column, and each distinct cell is judged once (``record_json``). Only rows
with a blank, a problem or a warning go through the reference ``RowValidator`` one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice, repeat
from operator import itemgetter
from typing import Any, cast

from leap_contracts.dataset import RowProblem, RowValidator, read_header
from leap_contracts.dataset.columns import Header
from leap_contracts.events import ValidatedRecord

from leap_uploader.domain import record_json as rj
from leap_uploader.domain.validation import Tally, read_file_header

BLOCK = 2048
_serialise = ValidatedRecord.__pydantic_serializer__.to_json


def validate_rows_to_json(
    rows: Iterable[tuple[int, list[str]]],
    *,
    chunk_size: int,
    emit_chunk: Callable[[int, list[bytes]], None],
    emit_problems: Callable[[list[RowProblem]], None],
) -> Tally:
    """``emit_chunk(index, records)`` gets each chunk's records as ValidatedRecord JSON (bytes)."""
    tally = Tally()
    row_iter = iter(rows)
    header = read_file_header(row_iter, read_header, emit_problems, tally)
    reader = _BlockReader(header, RowValidator(header), tally, emit_problems)
    accepted: list[bytes | None] = []  # records only, between blocks
    chunks = 0
    while reader.read(islice(row_iter, BLOCK), accepted):
        while len(accepted) >= chunk_size:
            emit_chunk(chunks, cast(list[bytes], accepted[:chunk_size]))
            del accepted[:chunk_size]
            chunks += 1
    if accepted:
        emit_chunk(chunks, cast(list[bytes], accepted))
        chunks += 1
    tally.chunk_count = chunks
    return tally


class _BlockReader:
    def __init__(self, header: Header, validator: RowValidator, tally: Tally,
                 emit_problems: Callable[[list[RowProblem]], None]) -> None:
        positions = header.positions
        self._present = [(i, positions[name], rj.FragmentMemo(make))
                         for i, (name, make) in enumerate(rj.FIELDS) if name in positions]
        self._absent = [(i, make("")) for i, (name, make) in enumerate(rj.FIELDS) if name not in positions]
        self._pick = itemgetter(*(at for _, at, _ in self._present))
        self._width = max(at for _, at, _ in self._present) + 1
        self._validator = validator
        self._tally = tally
        self._emit_problems = emit_problems

    def read(self, rows: Iterator[tuple[int, list[str]]], accepted: list[bytes | None]) -> int:
        """Append the records of the next block of rows to ``accepted`` (None only while a block is read);
        returns how many rows were read."""
        block = list(rows)
        if not block:
            return 0
        numbers = [number for number, _ in block]
        cells = [row for _, row in block]
        columns: list[Any] = [None] * len(rj.FIELDS)
        for i, fragment in self._absent:
            columns[i] = repeat(fragment)
        for (i, _, memo), values in zip(self._present, zip(*self._picked(cells))):
            columns[i] = map(memo.__getitem__, values)
        child, first, dob, gender = rj.CHILD, rj.NO_FIRST_NAME, rj.NO_DATE_OF_BIRTH, rj.NO_GENDER
        bt, fn, db, gd = rj.BENEFICIARY_TYPE, rj.FIRST_NAME, rj.DATE_OF_BIRTH, rj.GENDER
        join, add = b"".join, accepted.append
        first_new, pending = len(accepted), []
        for number, row, parts in zip(numbers, cells, zip(rj.row_starts(numbers), *columns)):
            if None in parts or (parts[bt] is child and (parts[fn] is first or parts[db] is dob or parts[gd] is gender)):
                pending.append((len(accepted), number, row))
                add(None)
            else:
                add(join(parts))
        count = len(block)
        clean = count - len(pending)
        self._tally.rows_total += clean
        self._tally.rows_accepted += clean
        del block, numbers, cells, columns  # before the reference path: see _one_by_one
        if pending:
            for at, number, row in pending:
                accepted[at] = self._one_by_one(number, row)
            accepted[first_new:] = [record for record in accepted[first_new:] if record is not None]
        return count

    def _picked(self, cells: list[list[str]]) -> list[tuple[str, ...]]:
        try:
            return list(map(self._pick, cells))
        except IndexError:  # short rows read blanks for the columns they lack, as RowValidator does
            width = self._width
            return [self._pick(row if len(row) >= width else row + [""] * (width - len(row))) for row in cells]

    def _one_by_one(self, number: int, row: list[str]) -> bytes | None:
        """The reference path, exactly as ``validate_rows`` walks a row; the record's JSON, or None.

        The reference's memos keep each finding with its traceback, whose frames keep their callers'
        locals alive until a full garbage collection: the block is dropped before this is called."""
        if not "".join(row).strip():
            return None
        tally = self._tally
        tally.rows_total += 1
        record, problems = self._validator.validate(number, row)
        if problems:
            self._emit_problems(problems)
            counts = tally.problems
            for p in problems:
                counts[(p.code, p.column, p.severity)] += 1
        if record is None:
            tally.rows_rejected += 1
            return None
        tally.rows_accepted += 1
        return _serialise(record)
