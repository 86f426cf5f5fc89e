"""Every image: non-root, a health check, no CA bundle, no pip, no secrets in its environment; the services'
own runs with a read-only root filesystem."""

from __future__ import annotations

import json

import pytest

from deploy_support import docker, images

SERVICES = ("uploader", "pseudonymiser", "matcher", "reporter")
pytestmark = pytest.mark.timeout(1800)  # the first test may build the bases and images from scratch (~10 min)
SECRET_WORDS = ("PASSWORD", "_KEY", "TOKEN", "DATABASE_URL", "SECRET")


@pytest.mark.parametrize("name", sorted(images()))
def test_image_is_non_root_with_a_health_check_and_no_secrets(docker_env, name):
    config = json.loads(docker(docker_env, "image", "inspect", images()[name]).stdout)[0]["Config"]
    assert config["User"] not in ("", "0", "root", "0:0"), f"{name} runs as root"
    assert config.get("Healthcheck", {}).get("Test"), f"{name} has no HEALTHCHECK"
    leaked = [e.split("=", 1)[0] for e in config.get("Env") or [] if any(w in e.split("=", 1)[0] for w in SECRET_WORDS)]
    assert not leaked, f"{name} carries secret-like settings: {leaked}"


@pytest.mark.parametrize("name", sorted(images()))
def test_image_holds_no_ca_bundle(docker_env, name):
    # A bundle is any readable file of certificates (dangling links left by the trimmed packages are fine).
    script = ("for f in $(find / -xdev \\( -name '*.crt' -o -name '*.pem' -o -name cacerts -o -name 'ca-bundle*' \\) "
              "2>/dev/null); do [ -f \"$f\" ] && grep -l 'BEGIN CERTIFICATE' \"$f\" 2>/dev/null; done; true")
    found = docker(docker_env, "run", "--rm", "--read-only", "--entrypoint", "sh", images()[name], "-c", script).stdout
    assert found.strip() == "", f"{name} holds certificates: {found.split()}"


@pytest.mark.parametrize("name", SERVICES)
def test_service_image_imports_on_a_read_only_root(docker_env, name):
    run = docker(docker_env, "run", "--rm", "--read-only", "--tmpfs", "/tmp", "--entrypoint", "python",
                 images()[name], "-c", f"import shutil, leap_{name}.app; print(shutil.which('pip'))")
    assert run.stdout.strip() == "None", f"{name} ships pip"


def test_at_source_tool_runs_alone(docker_env):
    run = docker(docker_env, "run", "--rm", "--read-only", images()["at-source"], "--help")
    assert "Usage" in run.stdout
    modules = docker(docker_env, "run", "--rm", "--entrypoint", "python", images()["at-source"], "-c",
                     "import importlib.util as u; print([m for m in ('fastapi', 'aiokafka', 'asyncpg') if u.find_spec(m)])")
    assert modules.stdout.strip() == "[]", "the at-source tool carries the service's server packages"
