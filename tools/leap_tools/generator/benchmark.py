"""`python -m leap_tools.generator.benchmark --rows 1000000`: time one run.

Prints wall and CPU seconds, rows per second and the resident high-water mark
(VmHWM) of this process, so the generator's speed and memory claims can be
rerun by anyone. CPU time is the steadier figure on a shared machine.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from leap_tools.generator.run import generate

app = typer.Typer(add_completion=False, pretty_exceptions_show_locals=False)


def _peak_rss_mb() -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


@app.command()
def benchmark(
    rows: Annotated[int, typer.Option("--rows", min=1)] = 1_000_000,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    formats: Annotated[str, typer.Option("--formats", help="mixed or csv")] = "mixed",
) -> None:
    with tempfile.TemporaryDirectory(prefix="leap-gen-bench-") as out:
        cpu0, wall0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        summary = generate(rows, out, seed=seed, formats=formats)
        wall, cpu1 = time.perf_counter() - wall0, resource.getrusage(resource.RUSAGE_SELF)
        size = sum(p.stat().st_size for p in Path(out).iterdir())
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    print(json.dumps({
        "rows": summary.rows, "formats": formats, "files": summary.files,
        "unique_beneficiaries": summary.unique_beneficiaries,
        "wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
        "rows_per_cpu_second": round(summary.rows / cpu), "output_mb": round(size / 2**20, 1),
        "peak_rss_mb": _peak_rss_mb(),
    }))


if __name__ == "__main__":
    app()
