"""Accepted records, cut into numbered chunks of at most ``size`` as they arrive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Chunker(Generic[T]):
    """Calls ``emit(chunk_index, items)`` for every ``size`` items, numbering chunks from 0."""

    def __init__(self, size: int, emit: Callable[[int, list[T]], None]) -> None:
        if size < 1:
            raise ValueError("chunk size must be at least 1")
        self._size = size
        self._emit = emit
        self._buffer: list[T] = []
        self.count = 0

    def add(self, item: T) -> None:
        self._buffer.append(item)
        if len(self._buffer) >= self._size:
            self._flush()

    def close(self) -> int:
        """Emit the last, partial chunk; returns how many chunks were emitted."""
        if self._buffer:
            self._flush()
        return self.count

    def _flush(self) -> None:
        items, self._buffer = self._buffer, []
        self._emit(self.count, items)
        self.count += 1
