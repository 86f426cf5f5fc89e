"""Helpers of the deployment tests (a module of its own: every suite has a conftest)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGES_TSV = ROOT / "deploy" / "images" / "images.tsv"


def images() -> dict[str, str]:
    """name -> tag, as deploy/images/build.sh builds them."""
    rows = [line.split("\t") for line in IMAGES_TSV.read_text().splitlines() if line and not line.startswith("#")]
    return {row[0]: row[1] for row in rows}


def docker(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["/usr/bin/docker", *args], env=env, capture_output=True, text=True, check=check)
