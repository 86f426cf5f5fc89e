"""Facts about the local platform started by deploy/local (paths, URLs, environment)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / ".state"
REFERENCE = ROOT / "deploy" / "reference"


def platform_env() -> dict[str, str]:
    """``.state/platform.env`` merged under the current environment (the environment wins)."""
    env: dict[str, str] = {}
    path = STATE / "platform.env"
    if path.exists():
        for line in path.read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, value = line.split("=", 1)
                env[key.strip()] = value.strip().strip("'\"")
    return {**env, **os.environ}


def service_url(env: dict[str, str], service: str, default_port: int) -> str:
    host = env.get(f"{service.upper()}_HTTP_HOST", "127.0.0.1")
    return f"http://{host}:{env.get(f'{service.upper()}_HTTP_PORT', default_port)}"


def run_module(module: str, *args: str, env: dict[str, str]) -> str:
    """Run ``python -m module args`` (an ops command of a service) and return its stdout."""
    result = subprocess.run([sys.executable, "-m", module, *args], env=env, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"{module} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result.stdout


def load_demo_wards(env: dict[str, str]) -> None:
    run_module("leap_pseudonymiser.cli.load_wards", str(REFERENCE / "onspd-demo.csv"),
               "--names", str(REFERENCE / "ward-names-demo.csv"), env=env)


def create_provider(env: dict[str, str], provider_id: str, name: str, services: list[str]) -> str:
    """Create (or update) a provider with its services; returns a fresh API token."""
    args = ["create-provider", "--id", provider_id, "--name", name]
    for code in services:
        args += ["--service", code]
    output = run_module("leap_uploader.admin", *args, env=env)
    for line in output.splitlines():
        if line.startswith("token:"):
            return line.split(":", 1)[1].strip()
    raise RuntimeError("the admin command printed no token")


def allow_outcomes(env: dict[str, str], provider_id: str, sources: list[str]) -> None:
    """An admin allows the provider to send outcome extracts of these sources."""
    for source in sources:
        run_module("leap_uploader.admin", "allow-outcomes", "--provider", provider_id, "--source", source, env=env)


def ensure_demo_users(env: dict[str, str], provider_id: str) -> dict[str, str]:
    """The demo's page users (an admin, a provider's data officer and an analyst, who also signs in to the
    reporter's dashboard through the uploader), created once; username -> password.

    Passwords are generated on first use and kept in ``.state/demo-users.txt`` (owner-only)."""
    import secrets

    path = STATE / "demo-users.txt"
    users = dict(line.split(" ", 1) for line in path.read_text().splitlines() if " " in line) if path.exists() else {}
    for username, role in (("demo-admin", "admin"), ("demo-officer", "provider"),
                           ("demo-analyst", "analyst")):
        if username in users:
            continue
        password = secrets.token_urlsafe(12)
        args = ["create-user", "--username", username, "--role", role]
        if role == "provider":
            args += ["--provider", provider_id]
        run_module("leap_uploader.admin", *args, env={**env, "UPLOADER_NEW_USER_PASSWORD": password})
        users[username] = password
        path.touch(mode=0o600)
        path.write_text("".join(f"{u} {p}\n" for u, p in users.items()))
    return users
