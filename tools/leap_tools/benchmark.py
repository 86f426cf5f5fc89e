"""``make bench ROWS=N``: the whole platform, timed from the first POST to the exact figure.

On a throw-away platform (fresh database and topics, the four services as processes; Kafka and PostgreSQL
are the local ones ``make run`` and ``make test`` start), with ``--matcher-workers`` matcher processes:

1. generates N rows of provider CSV files (not timed) with the generator's truth;
2. POSTs every file through the public API, then waits until the reporter's reach answer is up to date and
   equals the truth overall and per service, while a probe asks for reach every 50 ms (latency, and any
   answer that called itself up to date without being exact);
3. prints when each stage finished (from Kafka timestamps) and the CPU seconds of every process;
4. uploads 10,000 rows the platform already holds (a slice of a loaded file, as a new upload) and times it
   to "reportable" and the exact figure;
5. runs Splink 5 on the same CSV files, from parsing to clusters (``leap_tools.splink_csv``; needs the
   ``bench`` extra: ``pip install 'leap-tools[bench]'``), and prints the ratio.

Results also go to ``.state/bench/<run>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from leap_tools.bench_stages import StageClock, process_cpu, slice_rows
from leap_tools.client import PlatformClient
from leap_tools.generator.run import generate
from leap_tools.localenv import STATE, create_provider
from leap_tools.reach_probe import ReachProbe
from leap_tools.throwaway import running_platform

console = Console()
TOP_UP_ROWS = 10_000


def splink_seconds(folder: Path) -> tuple[float | None, str]:
    """Splink's time from the CSV files to clusters: one record per row (as the matcher's oracle), and with
    rows of identical identifiers collapsed first (the tougher bar); the ratio uses the faster."""
    try:
        from leap_tools.splink_csv import link_folder
    except ImportError as exc:
        return None, f"not run ({exc.name} missing: pip install -e './tools[bench]')"
    per_row, collapsed = link_folder(folder), link_folder(folder, collapse=True)
    return min(per_row.seconds, collapsed.seconds), (
        f"{per_row.seconds:.1f} s per row, {collapsed.seconds:.1f} s collapsed; "
        f"{per_row.individuals_attended:,} individuals")


def run(rows: int, seed: int, workers: int, deadline_s: float, splink: bool = True) -> dict:
    data = STATE / "bench" / f"rows-{rows}-seed-{seed}"
    console.print(f"bench: generating {rows:,} rows (CSV, seed {seed}) in {data}")
    generate(rows, data, seed=seed, formats="csv")
    manifest, truth = (json.loads((data / name).read_text()) for name in ("manifest.json", "truth.json"))
    with running_platform("bench", {"MATCHER_WORKERS": str(workers)}) as platform:
        token = create_provider(platform.env, "bench-provider", "Benchmark provider",
                                sorted({f["service"] for f in manifest["files"]}))
        client = PlatformClient(platform.url("uploader"), platform.url("reporter"), token,
                                reporter_token=platform.env["REPORTER_ADMIN_TOKEN"], timeout=600)
        clock = StageClock(platform.env["UPLOADER_KAFKA_BOOTSTRAP"], platform.prefix)
        cpu_before, load_before = process_cpu(platform), os.getloadavg()[0]
        with ReachProbe(platform.url("reporter"), platform.env["REPORTER_ADMIN_TOKEN"]) as probe:
            t0 = time.time()
            uploads = [client.upload(data / f["file"], f["service"]) for f in manifest["files"]]
            posted = time.time()
            with console.status("bench: waiting for the exact figure"):
                client.wait_exact(truth, deadline_s=deadline_s)
            exact_at = time.time()
            counted = [client.wait_reportable(u, deadline_s=60) for u in uploads
                       if client.status(u)["status"] == "completed"]  # a file rejected whole never counts
            reportable_at = max(datetime.fromisoformat(s["reportable_at"]).timestamp() for s in counted)
            cpu = {name: after - cpu_before.get(name, 0.0) for name, after in process_cpu(platform).items()}
            load = (load_before, os.getloadavg()[0])
            latency = probe.latency(t0, exact_at)
            wrong = probe.current_but_wrong(posted, truth["unique_beneficiaries"])
            early = sum(1 for a in probe.answers if t0 <= a.at < exact_at and a.up_to_date)
        stages = clock.finished(set(uploads))

        biggest = max(manifest["files"], key=lambda f: f["rows"])
        top_up = slice_rows(data / biggest["file"], data / "top-up" / biggest["file"], TOP_UP_ROWS)
        t1 = time.time()
        top_up_id = client.upload(top_up, biggest["service"])
        client.wait_final([top_up_id], deadline_s=deadline_s)  # matched: from then on the figure must count it
        client.wait_exact(truth, deadline_s=deadline_s)
        top_up_exact = time.time() - t1
        client.wait_reportable(top_up_id, deadline_s=deadline_s)
        top_up_reportable = time.time() - t1
    splink, splink_note = splink_seconds(data) if splink else (None, "not run (--skip-splink)")
    return {"rows": rows, "seed": seed, "matcher_workers": workers, "files": len(uploads),
            "post_seconds": posted - t0, "exact_seconds": exact_at - t0, "all_reportable_seconds": reportable_at - t0,
            "stages": {name: at - t0 for name, at in stages.items()}, "cpu_seconds": cpu,
            "reach_latency_ms": latency, "up_to_date_but_wrong": [vars(a) for a in wrong],
            "up_to_date_during_load": early,
            "top_up_rows": TOP_UP_ROWS, "top_up_exact_seconds": top_up_exact,
            "top_up_reportable_seconds": top_up_reportable,
            "splink_seconds": splink, "splink": splink_note,
            "ratio_to_splink": (exact_at - t0) / splink if splink else None,
            "unique_beneficiaries": truth["unique_beneficiaries"],
            "load_average": load, "cores": os.cpu_count()}


def report(result: dict) -> None:
    table = Table(title=f"{result['rows']:,} rows, {result['files']} CSV files, {result['matcher_workers']} matcher "
                        f"workers; {result['unique_beneficiaries']:,} individuals (the truth)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("all files POSTed", f"{result['post_seconds']:.1f} s")
    for name, seconds in result["stages"].items():
        table.add_row(f"stage done: {name}", f"{seconds:.1f} s")
    table.add_row("exact figure (overall and per service, up to date)", f"{result['exact_seconds']:.1f} s")
    table.add_row("every upload reportable", f"{result['all_reportable_seconds']:.1f} s")
    table.add_row("end-to-end rate", f"{result['rows'] / result['exact_seconds']:,.0f} rows/s")
    for name, seconds in sorted(result["cpu_seconds"].items()):
        table.add_row(f"CPU: {name}", f"{seconds:.1f} s")
    table.add_row(f"CPU: all of these, share of the {result['cores']} cores until every upload was reportable",
                  f"{sum(result['cpu_seconds'].values()) / result['all_reportable_seconds'] / result['cores']:.0%}")
    table.add_row("machine load average at the first POST / the exact figure (others' work too: above the "
                  "core count, the times are not the platform's alone)",
                  " / ".join(f"{x:.1f}" for x in result["load_average"]))
    lat = result["reach_latency_ms"]
    if lat.get("answers"):
        table.add_row("reach during the load (default consistency)",
                      f"{lat['answers']} answers, p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms, max {lat['max']:.0f} ms")
    table.add_row("answers 'up to date' during the load (as of before its last upload)",
                  str(result["up_to_date_during_load"]))
    table.add_row("answers 'up to date' as of after the last upload, but not exact",
                  str(len(result["up_to_date_but_wrong"])))
    table.add_row(f"{result['top_up_rows']:,} rows already held, as a new upload: to the exact figure "
                  "(consistency=current, up to date)", f"{result['top_up_exact_seconds']:.2f} s")
    table.add_row("... and to reportable (in the published snapshot)", f"{result['top_up_reportable_seconds']:.2f} s")
    table.add_row("Splink 5 on the same CSV files (parse to clusters)", result["splink"])
    if result["ratio_to_splink"]:
        table.add_row("platform / Splink", f"{result['ratio_to_splink']:.1f}x")
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=None, help="default: a new seed")
    parser.add_argument("--matcher-workers", type=int, default=2, help="matcher processes (one core each)")
    parser.add_argument("--deadline", type=float, default=3600, help="seconds to wait for the exact figure")
    parser.add_argument("--skip-splink", action="store_true", help="leave out the Splink comparison")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    result = run(args.rows, seed, args.matcher_workers, args.deadline, splink=not args.skip_splink)
    report(result)
    out = STATE / "bench" / f"result-{args.rows}-{seed}-{int(time.time())}.json"
    out.write_text(json.dumps(result, indent=2))
    console.print(f"bench: results in {out}")


if __name__ == "__main__":
    main()
