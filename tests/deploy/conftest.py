"""Deployment tests: images, the Compose stack, the Kubernetes manifests.

The image and stack tests need a Docker engine: the project's own (deploy/images/engine.sh starts Debian's
docker.io when it is installed; .ci/run installs it). Without dockerd they skip, unless LEAP_REQUIRE_DOCKER=1
(CI), where a missing engine fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # deploy_support (the suite runs with importlib)
from deploy_support import ROOT


@pytest.fixture(scope="session")
def docker_env() -> dict[str, str]:
    """The environment naming the project's engine, with every image built (cached: seconds when current)."""
    if not shutil.which("dockerd"):
        if os.environ.get("LEAP_REQUIRE_DOCKER") == "1":
            pytest.fail("no Docker engine (apt-get install docker.io), and LEAP_REQUIRE_DOCKER=1")
        pytest.skip("no Docker engine on this machine (deploy/images/engine.sh install)")
    subprocess.run(["bash", "deploy/images/build.sh"], cwd=ROOT, check=True)
    socket = ROOT / ".state" / "docker" / "docker.sock"
    return {**os.environ, "DOCKER_HOST": f"unix://{socket}"}
