"""Small-number suppression: the one step every published figure passes through.

Rules (on by default; only an admin may ask for exact figures):

1. **Primary**: a count from 1 to ``threshold`` (7) is shown as ``"*"``.
2. **Rounding**: every other count is rounded to the nearest ``base`` (5);
   0 stays 0. Totals are rounded from their own exact value, independently of
   the cells, so "total minus the others" never gives an exact number.
3. **Secondary**: in a breakdown published with its total, suppressed cells
   must not be recoverable by differencing. While a breakdown has exactly one
   suppressed cell, or the suppressed cells together hold ``threshold`` or
   fewer, the smallest cell still shown is suppressed as well. The same rule
   applied to every breakdown of the same population (by service, by ward,
   ...) keeps one breakdown from revealing another's suppressed cell, since
   every shown number is a rounded one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

SUPPRESSED = "*"
Published = int | str
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Disclosure:
    enabled: bool = True
    threshold: int = 7
    base: int = 5

    def count(self, n: int) -> Published:
        """A single figure on its own."""
        if not self.enabled or n == 0:
            return n
        if n <= self.threshold:
            return SUPPRESSED
        return _round(n, self.base)

    def breakdown(self, cells: Mapping[K, int], total: int | None = None) -> dict[K, Published]:
        """Cells of one breakdown (published with a total, or summable to one)."""
        if not self.enabled:
            return dict[K, Published](cells)
        hidden = self.hidden(cells)
        return {k: SUPPRESSED if k in hidden else self.count(n) for k, n in cells.items()}

    def hidden(self, cells: Mapping[K, int], forced: Iterable[K] = ()) -> set[K]:
        """Keys to suppress: primary (1..threshold), ``forced`` ones, then secondary until safe."""
        hidden = {k for k, n in cells.items() if 0 < n <= self.threshold} | set(forced)
        shown = sorted((n, str(k), k) for k, n in cells.items() if k not in hidden and n > 0)
        while hidden and shown and (len(hidden) == 1 or sum(cells[k] for k in hidden) <= self.threshold):
            hidden.add(shown.pop(0)[2])
        return hidden

    def matrix(self, cells: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], Published]:
        """A symmetric matrix stored once per pair (a <= b); the diagonal (a, a) is row a's total.

        Each row is a breakdown of its diagonal; a cell hidden in one row is hidden in the other
        (it is the same number), and rows are re-checked until nothing changes.
        """
        if not self.enabled:
            return dict[tuple[str, str], Published](cells)
        keys = {a for a, _ in cells} | {b for _, b in cells}
        rows = {s: {k: n for k, n in cells.items() if s in k and k[0] != k[1]} for s in keys}
        hidden: set[tuple[str, str]] = set()
        changed = True
        while changed:
            changed = False
            for row in rows.values():
                found = self.hidden(row, hidden & row.keys())
                if found - hidden:
                    hidden |= found
                    changed = True
        return {k: SUPPRESSED if k in hidden else self.count(n) for k, n in cells.items()}


def _round(n: int, base: int) -> int:
    """Nearest multiple of ``base`` (halves up); a positive count never rounds to 0."""
    rounded = (n + base // 2) // base * base if base > 1 else n
    return max(rounded, base) if n > 0 else 0
