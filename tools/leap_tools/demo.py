"""``python -m leap_tools.demo``: load a demo provider and generated files into the running platform.

Safe to run again: the same files are the same uploads (the uploader dedupes
them), so figures never double.
"""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table

from leap_tools.client import PlatformClient
from leap_tools.generator.run import generate
from leap_tools.localenv import STATE, create_provider, ensure_demo_users, load_demo_wards, platform_env, service_url

console = Console()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    env = platform_env()
    data = STATE / "demo-data"
    if not (data / "manifest.json").exists() or json.loads((data / "manifest.json").read_text()).get("seed") != args.seed:
        console.print(f"demo: generating {args.rows:,} rows of synthetic provider files in {data}")
        generate(args.rows, data, seed=args.seed, formats="mixed")
    manifest = json.loads((data / "manifest.json").read_text())
    truth = json.loads((data / "truth.json").read_text())

    load_demo_wards(env)
    services = sorted({f["service"] for f in manifest["files"]})
    token = create_provider(env, "demo", "Demo provider (synthetic data)", services)
    client = PlatformClient(service_url(env, "uploader", 8001), service_url(env, "reporter", 8004), token,
                            reporter_token=env.get("REPORTER_ANALYST_TOKEN"))

    upload_ids = [client.upload(data / f["file"], f["service"]) for f in manifest["files"]]
    with console.status("demo: waiting for uploads to be processed") as status:
        results = client.wait_final(upload_ids, progress=lambda d, t: status.update(f"demo: {d}/{t} uploads processed"))
    figures = client.wait_reach(truth["unique_beneficiaries"], tolerance=2)  # published figures are rounded to 5

    table = Table(title="Demo data loaded")
    table.add_column("figure")
    table.add_column("platform", justify="right")
    table.add_column("generator's truth", justify="right")
    table.add_row("uploads completed", str(sum(r["status"] == "completed" for r in results.values())), str(len(upload_ids)))
    table.add_row("rows accepted", str(sum(r["rows_accepted"] or 0 for r in results.values())),
                  str(sum(f["accepted"] for f in truth["files"].values())))
    table.add_row("unique beneficiaries (published: rounded to 5)", str(figures["unique_beneficiaries"]),
                  str(truth["unique_beneficiaries"]))
    console.print(table)
    console.print(f"demo provider API token (shown once): {token}")
    users = ensure_demo_users(env, "demo")
    console.print(f"sign in to the uploader's pages at {client.uploader_url}/ as " + " or ".join(
        f"{name} / {password}" for name, password in users.items())
        + " (kept in .state/demo-users.txt); your authenticator app is enrolled at first sign-in")


if __name__ == "__main__":
    main()
