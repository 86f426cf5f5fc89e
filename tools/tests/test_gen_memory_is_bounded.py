"""Constant memory: the peak resident size does not grow with the row count.

Measured in a fresh process (VmHWM, the resident high-water mark of the new
program image; ru_maxrss would also count the forking pytest process) rather
than with tracemalloc, whose
bookkeeping makes a 200k-row run five times slower; tracemalloc peaks
measured once were 6.0 MB for 20k rows and 6.0 MB for 200k rows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PEAK_LIMIT_MB = 64
GROWTH_LIMIT_MB = 8

_PROBE = """
import sys
from leap_tools.generator import generate
generate(int(sys.argv[1]), sys.argv[2], seed=8, formats="mixed")
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""


def _peak_mb(rows: int, out: Path) -> float:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(rows), str(out)],
                          check=True, capture_output=True, text=True)
    return int(done.stdout.split()[-1]) / 1024  # kB


def test_peak_for_200k_rows_is_small_and_flat(tmp_path: Path):
    small = _peak_mb(20_000, tmp_path / "small")
    large = _peak_mb(200_000, tmp_path / "large")
    assert large < PEAK_LIMIT_MB, f"peak {large:.1f} MB"
    assert large - small < GROWTH_LIMIT_MB, f"peak grew from {small:.1f} to {large:.1f} MB"
