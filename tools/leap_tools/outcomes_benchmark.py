"""``python -m leap_tools.outcomes_benchmark --records 200000``: outcome intake on the whole platform, timed.

On a throw-away platform (fresh database and topics, the four services as processes, the local Kafka and
PostgreSQL), not timed: the generator writes a whole area's service files and outcome extracts (``--outcomes``)
with at least ``--records`` outcome records, and the service files are loaded (``--skip-services``: outcome
records then link to no one). Timed from the first outcome POST: every extract completed (validated,
pseudonymised, linked) and the reporter's figures up to date with them. Then checked: reach is exactly what it
was before, and outcome figures equal the generator's truth. Results also go to ``.state/bench/``.
"""

from __future__ import annotations

import argparse
import json
import math
import time

from rich.console import Console

from leap_tools.client import PlatformClient
from leap_tools.generator.run import generate
from leap_tools.localenv import STATE, allow_outcomes, create_provider
from leap_tools.throwaway import running_platform

console = Console()
RECORDS_PER_SERVICE_ROW = 0.55
"""About how many outcome records the generator writes per service row (a little under what it does)."""


def _wait_up_to_date(client: PlatformClient, deadline_s: float) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if client.reach(consistency="current")["up_to_date"]:
            return
        time.sleep(0.1)  # poll interval, bounded by the deadline above
    raise TimeoutError(f"the reporter not up to date after {deadline_s:.0f}s")


def _reach(client: PlatformClient) -> dict:
    answer = client.reach(consistency="current")
    return {"unique_beneficiaries": answer["unique_beneficiaries"], "by_service": answer["by_service"]}


def run(records: int, seed: int, deadline_s: float, load_services: bool) -> dict:
    rows = math.ceil(records / RECORDS_PER_SERVICE_ROW)
    data = STATE / "bench" / f"outcomes-rows-{rows}-seed-{seed}"
    console.print(f"outcomes bench: generating {rows:,} service rows with outcome extracts in {data}")
    generate(rows, data, seed=seed, formats="csv", outcomes=True)
    manifest, truth = (json.loads((data / name).read_text()) for name in ("manifest.json", "truth.json"))
    extracts = manifest["outcome_files"]
    total = sum(f["rows"] for f in extracts)
    with running_platform("bench") as platform:
        token = create_provider(platform.env, "bench-provider", "Benchmark provider",
                                sorted({f["service"] for f in manifest["files"]}))
        allow_outcomes(platform.env, "bench-provider", [f["source"] for f in extracts])
        client = PlatformClient(platform.url("uploader"), platform.url("reporter"), token,
                                reporter_token=platform.env["REPORTER_ADMIN_TOKEN"], timeout=600)
        if load_services:
            with console.status(f"outcomes bench: loading {rows:,} service rows (not timed)"):
                client.wait_final([client.upload(data / f["file"], f["service"]) for f in manifest["files"]],
                                  deadline_s=deadline_s)
                client.wait_exact(truth, deadline_s=deadline_s)
        before = _reach(client)
        t0 = time.time()
        uploads = [client.upload(data / f["file"], f["source"], dataset="outcomes") for f in extracts]
        posted = time.time()
        with console.status(f"outcomes bench: {total:,} outcome records on their way"):
            finished = client.wait_final(uploads, deadline_s=deadline_s)
            completed = time.time()
            _wait_up_to_date(client, deadline_s)
            counted = time.time()
        after = _reach(client)
        figures = client.reporter_get("/api/v1/figures/outcomes-by-services-engaged", suppression="off").json()
    expected = truth["outcomes"]["measures"]
    exact = all({r[2]: [r[3], r[4]] for r in figures["rows"] if r[0] == m} ==
                {g: [c["numerator"], c["denominator"]] for g, c in expected[m]["services_engaged"].items()}
                for m in expected) if load_services else None
    return {"outcome_records": total, "accepted": sum(s["rows_accepted"] for s in finished.values()),
            "service_rows": rows if load_services else 0, "extracts": len(uploads), "seed": seed,
            "post_seconds": posted - t0, "completed_seconds": completed - t0, "counted_seconds": counted - t0,
            "records_per_second": total / (counted - t0), "reach_unchanged": before == after,
            "figures_equal_truth": exact, "records_by_linkage": truth["outcomes"]["records"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=200_000, help="at least this many outcome records")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--deadline", type=float, default=1800.0, help="seconds allowed for each wait")
    parser.add_argument("--skip-services", action="store_true", help="do not load the service files first")
    args = parser.parse_args()
    result = run(args.records, args.seed, args.deadline, not args.skip_services)
    out = STATE / "bench" / f"outcomes-{int(time.time())}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    console.print_json(data=result)
    console.print(f"{result['outcome_records']:,} outcome records: all extracts completed in "
                  f"{result['completed_seconds']:.1f} s, counted in the figures in {result['counted_seconds']:.1f} s "
                  f"({result['records_per_second']:,.0f} records/s); reach unchanged: {result['reach_unchanged']}; "
                  f"results in {out}")


if __name__ == "__main__":
    main()
