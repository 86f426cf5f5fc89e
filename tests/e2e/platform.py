"""Start the four services as real processes against a fresh database and fresh topics.

Each test session gets its own database (``postgres.sh create-test-db``), its
own topic prefix and consumer groups, and its own ports, so it never sees
another run's messages, even on a broker shared with a running platform.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from leap_contracts.topics import create_all

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / "deploy" / "local"
SERVICES = {"uploader": 18001, "pseudonymiser": 18002, "matcher": 18003, "reporter": 18004}


def platform_env() -> dict[str, str]:
    env = {}
    for line in (ROOT / ".state" / "platform.env").read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip().strip("'\"")
    return env


@dataclass
class Platform:
    database: str
    prefix: str
    env: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{SERVICES[service]}"

    def service_env(self, service: str, port: int) -> dict[str, str]:
        env = {**os.environ, **self.env}
        for name in SERVICES:
            upper = name.upper()
            url = env[f"{upper}_DATABASE_URL"]
            env[f"{upper}_DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{self.database}"
            env[f"{upper}_TOPIC_PREFIX"] = self.prefix
        env[f"{service.upper()}_HTTP_PORT"] = str(port)
        return env

    def start(self, service: str, instance: str | None = None, port: int | None = None) -> None:
        name = instance or service
        log = open(ROOT / ".state" / "logs" / f"e2e-{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", f"leap_{service}"], env=self.service_env(service, port or SERVICES[service]),
            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        )
        wait_ready(f"http://127.0.0.1:{port or SERVICES[service]}", self.processes[name], name)

    def stop(self, name: str, *, kill: bool = False) -> None:
        process = self.processes.pop(name)
        process.kill() if kill else process.terminate()
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def admin(self, *args: str) -> str:
        """Run the uploader's admin command (as ops would) and return its output."""
        result = subprocess.run([sys.executable, "-m", "leap_uploader.admin", *args], env=self.service_env("uploader", 0),
                                capture_output=True, text=True, check=True, cwd=ROOT)
        return result.stdout


def wait_ready(base_url: str, process: subprocess.Popen, name: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}; see .state/logs/e2e-{name}.log")
        try:
            if httpx.get(f"{base_url}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)  # poll interval while waiting for readiness, bounded by the deadline
    raise TimeoutError(f"{name} not ready after {timeout}s; see .state/logs/e2e-{name}.log")


def create_platform() -> Platform:
    database = f"test_e2e_{uuid.uuid4().hex[:8]}"
    subprocess.run(["bash", str(LOCAL / "postgres.sh"), "create-test-db", database], check=True, capture_output=True)
    env = platform_env()
    prefix = f"e2e-{uuid.uuid4().hex[:8]}."
    asyncio.run(create_all(env.get("UPLOADER_KAFKA_BOOTSTRAP", "127.0.0.1:19092"), prefix))
    return Platform(database, prefix, env)


def drop_platform(platform: Platform) -> None:
    platform.stop_all()
    subprocess.run(["bash", str(LOCAL / "postgres.sh"), "drop-test-db", platform.database], check=False, capture_output=True)
