"""``python -m leap_tools.compose_demo``: the demo data in the Compose stack (deploy/compose), through its API.

``deploy/compose/stack.sh up`` runs it with the stack's environment (LEAP_COMPOSE_PROJECT, LEAP_COMPOSE_DIR, the
published ports). Ops commands run inside the services' containers (``docker-compose exec``), exactly as an
operator would; the files go in through the uploader's API and the figure is read from the reporter's.
Prints the figures beside the generator's truth and exits non-zero when reach is not the truth.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from leap_tools.client import PlatformClient
from leap_tools.generator.run import generate
from leap_tools.localenv import STATE

COMPOSE_FILE = Path(__file__).resolve().parents[2] / "deploy" / "compose" / "docker-compose.yml"


def compose_exec(service: str, *args: str) -> str:
    command = ["docker-compose", "-p", os.environ.get("LEAP_COMPOSE_PROJECT", "leap"), "-f", str(COMPOSE_FILE),
               "exec", "-T", service, *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} failed in {service}: {result.stderr.strip()[-2000:]}")
    return result.stdout


def env_value(service: str, name: str) -> str:
    for line in (Path(os.environ["LEAP_COMPOSE_DIR"]) / f"{service}.env").read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    raise KeyError(name)


def load(rows: int, seed: int, out: Path) -> dict:
    """Generate ``rows`` rows in ``out`` (kept when there already), upload them all; returns the figures."""
    if not (out / "manifest.json").exists() or json.loads((out / "manifest.json").read_text()).get("seed") != seed:
        generate(rows, out, seed=seed, formats="mixed")
    manifest = json.loads((out / "manifest.json").read_text())
    truth = json.loads((out / "truth.json").read_text())
    compose_exec("pseudonymiser", "python", "-m", "leap_pseudonymiser.cli.load_wards", "/opt/reference/onspd-demo.csv",
                 "--names", "/opt/reference/ward-names-demo.csv")
    args = ["python", "-m", "leap_uploader.admin", "create-provider", "--id", "demo", "--name", "Demo provider"]
    for code in sorted({f["service"] for f in manifest["files"]}):
        args += ["--service", code]
    token = next(line.split(":", 1)[1].strip() for line in compose_exec("uploader", *args).splitlines()
                 if line.startswith("token:"))
    client = PlatformClient(f"http://127.0.0.1:{os.environ.get('LEAP_UPLOADER_PORT', '18001')}",
                            f"http://127.0.0.1:{os.environ.get('LEAP_REPORTER_PORT', '18004')}", token,
                            reporter_token=env_value("reporter", "REPORTER_ANALYST_TOKEN"))
    upload_ids = [client.upload(out / f["file"], f["service"]) for f in manifest["files"]]
    results = client.wait_final(upload_ids)
    figures = client.wait_reach(truth["unique_beneficiaries"], tolerance=2)  # published figures are rounded to 5
    return {"uploads": len(upload_ids), "completed": sum(r["status"] == "completed" for r in results.values()),
            "unique_beneficiaries": figures["unique_beneficiaries"], "truth": truth["unique_beneficiaries"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=STATE / "compose-demo-data")
    args = parser.parse_args()
    print("compose demo: generating, uploading and waiting for the figures", flush=True)
    figures = load(args.rows, args.seed, args.out)
    print(f"compose demo: {figures['completed']}/{figures['uploads']} uploads completed; unique beneficiaries "
          f"{figures['unique_beneficiaries']} (published, rounded to 5), generator's truth {figures['truth']}")
    return 0 if abs(figures["unique_beneficiaries"] - figures["truth"]) <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
