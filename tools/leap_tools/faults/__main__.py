"""``python -m leap_tools.faults --seed N --rows R`` (``make faults SEED=N ROWS=R``): the fault-injection run.

1. generates R rows of provider files (CSV and XLSX, kept in .state/faults/) and plans the workload: several
   providers, a replacement and a withdrawal, one file held back until after the last fault;
2. runs it on a throw-away platform undisturbed: the reference;
3. runs it again on a fresh throw-away platform while the seed's faults hit it at random moments: kill -9 of
   each service, Kafka restarted and paused (SIGSTOP past the consumers' session timeout), PostgreSQL
   restarted in immediate mode, a service started while Kafka or PostgreSQL is down, an upload POSTed while
   the downstream services are down;
4. prints the faults with their times and how long the platform took to converge after the last one, and
   compares the final state with the reference (uploads, the matcher's partition, every figure, a downstream
   consumer's copy, dead letters). Exits 1 on any difference.

Kafka and PostgreSQL are those ``leap_contracts.testing_servers`` picks: with ``LEAP_TEST_SERVERS=containers``
the run's own containers (removed at the end), else the shared local servers (``make faults``), restarted and
paused, and always left running. SIGTERM ends the run as Ctrl-C does: services stopped, servers given back.
The same seed replays the same faults in the same order (their moments follow the platform's own pace).
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import time
from collections import Counter

from leap_tools.faults import nemesis, run, workload
from leap_tools.localenv import STATE


def fault_run(*, seed: int, rows: int, faults: int, gap: tuple[float, float] = (2.0, 10.0),
              matcher_workers: int = 2, deadline_s: float = 1800.0) -> dict:
    plan = workload.build(rows, seed)
    print(f"faults: seed {seed}, {rows:,} rows in {len(plan.uploads)} uploads ({len(plan.early)} during the faults, "
          f"{len(plan.corrections)} corrections, {len(plan.late)} after the last fault)", flush=True)
    kinds = nemesis.plan(random.Random(f"plan:{seed}"), faults)
    print("faults: reference run (undisturbed)", flush=True)
    reference = run.run(plan, seed=seed, faults=[], gap=(0.0, 0.0), matcher_workers=matcher_workers,
                        deadline_s=deadline_s)
    print(f"faults: reference done in {reference.seconds:.1f}s; faulted run: {len(kinds)} faults", flush=True)
    faulted = run.run(plan, seed=seed, faults=kinds, gap=gap, matcher_workers=matcher_workers,
                      deadline_s=deadline_s)
    differences = (faulted.state.differences(reference.state, poisoned=faulted.poisoned)
                   + reference.state.differences(reference.state))
    differences += [f"service {e}" for e in faulted.exited]
    return {"seed": seed, "rows": rows, "uploads": len(plan.uploads),
            "individuals": len(faulted.state.partition), "reference_seconds": reference.seconds,
            "faulted_seconds": faulted.seconds, "converged_seconds": faulted.converged_s,
            "faults": [vars(f) for f in faulted.faults],
            "by_kind": dict(Counter(f.kind.split(":")[0] if f.kind.startswith("kill") else f.kind
                                    for f in faulted.faults)),
            "redelivered_events": faulted.state.redelivered, "dead_letters": faulted.state.dead_letters,
            "poisoned": faulted.poisoned,
            "differences": differences}


def report(result: dict) -> None:
    print(f"\nfaults: seed {result['seed']}, {result['rows']:,} rows, {result['uploads']} uploads, "
          f"{result['individuals']:,} individuals")
    for n, f in enumerate(result["faults"], 1):
        print(f"  {n:2}. {f['started']:7.1f}s - {f['ended']:7.1f}s  {f['kind']}  {f['note']}")
    print(f"  by kind: {', '.join(f'{k} {v}' for k, v in sorted(result['by_kind'].items()))}")
    print(f"  converged {result['converged_seconds']:.1f}s after the last fault (reference run "
          f"{result['reference_seconds']:.1f}s end to end)")
    print(f"  events the downstream consumer read twice and skipped: {result['redelivered_events']}")
    if result["differences"]:
        print(f"  FAILED: {len(result['differences'])} differences from the undisturbed run:")
        for d in result["differences"][:50]:
            print(f"    - {d[:400]}")
    else:
        print("  OK: final state equals the undisturbed run's (uploads, partition, figures, consumer's copy); "
              f"dead letters: exactly the {result['poisoned']} poison message(s) planted")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=None, help="default: a new seed (printed)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--faults", type=int, default=16, help="how many faults (the first 10 cover every kind)")
    parser.add_argument("--gap", default="2,10", help="seconds between faults, drawn uniformly: LOW,HIGH")
    parser.add_argument("--matcher-workers", type=int, default=2)
    parser.add_argument("--deadline", type=float, default=1800, help="seconds any wait may take")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupted)  # SIGTERM unwinds too: services stopped, containers removed
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    low, high = (float(x) for x in args.gap.split(","))
    result = fault_run(seed=seed, rows=args.rows, faults=args.faults, gap=(low, high),
                       matcher_workers=args.matcher_workers, deadline_s=args.deadline)
    report(result)
    out = STATE / "faults" / f"result-{args.rows}-{seed}-{int(time.time())}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    print(f"faults: result in {out}")
    raise SystemExit(1 if result["differences"] else 0)


def _interrupted(signum, frame) -> None:  # noqa: ARG001 - the signal handler's signature
    raise KeyboardInterrupt("SIGTERM")


if __name__ == "__main__":
    main()
