"""Streaming file writers (CSV in a given encoding, XLSX in xlsxwriter's
constant_memory mode) behind a small bounded shuffle buffer."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Protocol

import xlsxwriter

from leap_tools.generator.layout import FileLayout

Cells = list
_FIXED_CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class Sink(Protocol):
    def write(self, cells: Cells) -> None: ...
    def close(self) -> None: ...


class CsvSink:
    def __init__(self, path: Path, encoding: str, headers: list[str]) -> None:
        # errors="strict": a Windows-1252 file that cannot hold a value is a bug, not a '?'
        self._handle = path.open("w", encoding=encoding, errors="strict", newline="")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(headers)

    def write(self, cells: Cells) -> None:
        self._writer.writerow(cells)

    def close(self) -> None:
        self._handle.close()


class XlsxSink:
    """First (only) sheet; real dates where the renderer gave `date` objects."""

    def __init__(self, path: Path, headers: list[str], sheet: str) -> None:
        self._book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        self._book.set_properties({"created": _FIXED_CREATED})  # same seed, same bytes
        self._sheet = self._book.add_worksheet(sheet)
        self._date = self._book.add_format({"num_format": "dd/mm/yyyy"})
        self._row = 0
        self.write(headers)

    def write(self, cells: Cells) -> None:
        sheet, r = self._sheet, self._row
        for c, value in enumerate(cells):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), self._date)
            elif value:
                sheet.write_string(r, c, value)
        self._row = r + 1

    def close(self) -> None:
        self._book.close()


def open_sink(directory: Path, layout: FileLayout) -> Sink:
    path = directory / layout.filename
    if layout.format == "xlsx":
        return XlsxSink(path, layout.headers, layout.service)
    return CsvSink(path, layout.encoding or "utf-8", layout.headers)


class ShuffledSink:
    """Holds at most `size` rows, written in a shuffled order when full, so a
    file interleaves families without ever holding more than `size` rows."""

    def __init__(self, sink: Sink, rng: random.Random, size: int) -> None:
        self._sink, self._rng, self._size = sink, rng, size
        self._buffer: list[Cells] = []
        self.rows = 0

    def write(self, cells: Cells) -> None:
        self._buffer.append(cells)
        self.rows += 1
        if len(self._buffer) >= self._size:
            self._flush()

    def _flush(self) -> None:
        self._rng.shuffle(self._buffer)
        for cells in self._buffer:
            self._sink.write(cells)
        self._buffer.clear()

    def close(self) -> None:
        self._flush()
        self._sink.close()
