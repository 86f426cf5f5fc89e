"""`python -m leap_tools.linkage_quality --rows 100000 --errors realistic`: the quality table."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from leap_tools.generator import generate
from leap_tools.generator.errors import ErrorRates
from leap_tools.linkage_quality import linkers
from leap_tools.linkage_quality.metrics import quality
from leap_tools.linkage_quality.records import read_folder

AIM_COUNT_ERROR = 0.005
AIM_MERGES_PER_1000 = 1.0


def run(rows: int, seed: int, errors: ErrorRates, with_splink: bool = True, folder: Path | None = None,
        sweep: bool = False) -> dict:
    """Generate, read, link three ways; the figures as a dict (also what --json prints)."""
    with tempfile.TemporaryDirectory(prefix="leap-linkage-") as tmp:
        out = folder or Path(tmp)
        generate(rows, out, seed=seed, formats="csv", error_rates=errors, person_map=True)
        truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
        started = time.perf_counter()
        records = read_folder(out)
        result: dict = {"rows": rows, "seed": seed, "errors": truth["errors"], "persons": truth["persons"],
                        "service_records": len(records), "read_seconds": round(time.perf_counter() - started, 1),
                        "linkages": {}}
        timed = [("exact", lambda: linkers.exact(records)),
                 ("tolerant", lambda: _tolerant(records, result))]
        if with_splink:
            from leap_tools.linkage_quality.splink_probabilistic import link
            timed.append(("splink", lambda: linkers.exact_plus_pairs(records, link(records))))
        timed.append(("ceiling", lambda: linkers.key_ceiling(records)))
        for name, fn in timed:
            started = time.perf_counter()
            labels = fn()
            result["linkages"][name] = {**asdict(quality(records, labels)),
                                        "seconds": round(time.perf_counter() - started, 1)}
        if sweep:
            result["sweep"] = [_sweep_point(records, link_at) for link_at in (-1.0, 0.0, 1.0, 2.0, 3.0, 5.0)]
        exact_count = result["linkages"]["exact"]["individuals"]
        if exact_count != truth["unique_beneficiaries"]:
            raise AssertionError(f"exact linkage counts {exact_count}, truth.json {truth['unique_beneficiaries']}")
    return result


def _sweep_point(records, link_at: float) -> dict:
    from leap_matcher.domain.tolerant import TolerantSettings
    q = quality(records, linkers.tolerant(records, TolerantSettings(link_at=link_at, review_from=link_at - 4)).cluster_of)
    return {"link_at": link_at, "count_error": q.count_error, "merges_per_1000": q.merges_per_1000}


def _tolerant(records, result: dict) -> dict[str, str]:
    found = linkers.tolerant(records)
    result["tolerant_links"] = {"fuzzy_links": len(found.links), "review": len(found.review),
                                "refused_by_conflict": len(found.refused)}
    return found.cluster_of


def meets_aims(q: dict) -> bool:
    return abs(q["count_error"]) <= AIM_COUNT_ERROR and q["merges_per_1000"] < AIM_MERGES_PER_1000


def report(result: dict) -> str:
    names = list(result["linkages"])
    lines = [f"linkage quality: {result['rows']:,} rows, seed {result['seed']}, "
             f"{result['service_records']:,} service records, {result['persons']:,} true persons",
             "errors made (profiles): " + ", ".join(f"{k} {v}" for k, v in result["errors"]["applied"].items()),
             "", f"  {'':<30}" + "".join(f"{n:>12}" for n in names)]
    rows = [("unique beneficiaries", "individuals", "{:,}"), ("count error", "count_error", "{:+.2%}"),
            ("link precision", "precision", "{:.4f}"), ("link recall", "recall", "{:.4f}"),
            ("false merges (individuals)", "false_merges", "{:,}"), ("  per 1,000 individuals", "merges_per_1000", "{:.2f}"),
            ("false splits (persons)", "false_splits", "{:,}"), ("  extra individuals", "extra_individuals", "{:,}"),
            ("seconds", "seconds", "{:.1f}")]
    for title, key, fmt in rows:
        lines.append(f"  {title:<30}" + "".join(f"{fmt.format(result['linkages'][n][key]):>12}" for n in names))
    lines.append(f"  {'meets the aims':<30}" + "".join(f"{'yes' if meets_aims(result['linkages'][n]) else 'no':>12}"
                                                       for n in names))
    if "tolerant_links" in result:
        t = result["tolerant_links"]
        lines.append(f"\n  tolerant: {t['fuzzy_links']:,} fuzzy links, {t['review']:,} to review, "
                     f"{t['refused_by_conflict']:,} refused by a conflict")
    if "ceiling" in result["linkages"]:
        lines.append("  ceiling: not a linkage; the truth joins every two parts of a person that share any key "
                     "(what perfect scoring could reach)")
    if "sweep" in result:
        lines.append("\n  tolerant at other link thresholds (bits): count error, false merges per 1,000")
        lines.extend(f"    {s['link_at']:>5}: {s['count_error']:+.2%}  {s['merges_per_1000']:.2f}" for s in result["sweep"])
    lines.append(f"  aims: count within {AIM_COUNT_ERROR:.1%} of the true persons, fewer than "
                 f"{AIM_MERGES_PER_1000:g} in 1,000 individuals holding records of two people")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m leap_tools.linkage_quality", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--errors", default="realistic", help="none, realistic, or kind=rate,...")
    parser.add_argument("--no-splink", action="store_true", help="skip Splink's upper bound")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--sweep", action="store_true", help="also tolerant linkage at other link thresholds")
    args = parser.parse_args(argv)
    result = run(args.rows, args.seed, ErrorRates.parse(args.errors), not args.no_splink, args.keep, args.sweep)
    print(json.dumps(result, indent=1) if args.json else report(result))
    return 0
