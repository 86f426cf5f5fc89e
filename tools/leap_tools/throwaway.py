"""A throw-away platform: the four services as real processes against a fresh database and fresh topics.

Each end-to-end test session and each benchmark run gets its own database (with the platform's roles and
schemas), its own topic prefix and consumer groups, and its own ports, so it never sees another run's messages,
even on a broker shared with a running platform (``make run``'s). The servers are those
``leap_contracts.testing_servers`` picks (``LEAP_TEST_SERVERS``): containers of the project's own images, or
the local ones (``postgres.sh create-test-db``).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
from aiokafka.admin import AIOKafkaAdminClient

from leap_contracts.identity import new_key_pair
from leap_contracts.testing_servers import servers
from leap_contracts.topics import ALL, create_all
from leap_tools.localenv import ROOT, STATE, load_demo_wards, platform_env

SERVICES = ("uploader", "pseudonymiser", "matcher", "reporter")
# A throw-away platform compares exact figures with the generator's truth, so the reporter runs
# with small-number suppression off (production keeps it on; it has tests of its own).
# People sign in to the reporter through the uploader (single sign-on, a fresh key pair per run);
# scripts keep the bearer tokens.
_IDENTITY_PRIVATE, _IDENTITY_PUBLIC = new_key_pair()
SETTINGS = {"REPORTER_SUPPRESSION": "false", "REPORTER_ADMIN_TOKEN": "e2e-reporter-admin-token",
            "REPORTER_ANALYST_TOKEN": "e2e-reporter-analyst-token",
            "UPLOADER_IDENTITY_SIGNING_KEY": _IDENTITY_PRIVATE, "REPORTER_IDENTITY_PUBLIC_KEY": _IDENTITY_PUBLIC,
            "REPORTER_SESSION_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
            # the matcher's explanations: analysts and admins only (leap_matcher.access)
            "MATCHER_ANALYST_TOKEN": "e2e-matcher-analyst-token", "MATCHER_ADMIN_TOKEN": "e2e-matcher-admin-token",
            "MATCHER_IDENTITY_PUBLIC_KEY": _IDENTITY_PUBLIC}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Platform:
    database: str
    prefix: str
    base_env: dict[str, str]
    settings: dict[str, str] = field(default_factory=dict)
    """Settings of this platform's services over ``SETTINGS`` (e.g. ``MATCHER_WORKERS``)."""
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=lambda: {name: free_port() for name in SERVICES})

    @property
    def env(self) -> dict[str, str]:
        """The environment every service and ops command of this test platform runs with."""
        env = {**self.base_env, **SETTINGS, **self.settings}
        if env.get("MATCHER_TOLERANT_LINKING", "").lower() in ("1", "true", "yes", "on"):
            env.setdefault("PSEUDONYMISER_MATCH_KEYS", "1")  # tolerant linkage reads the records' match keys
        for name, port in self.ports.items():
            upper = name.upper()
            env[f"{upper}_DATABASE_URL"] = env[f"{upper}_DATABASE_URL"].rsplit("/", 1)[0] + f"/{self.database}"
            env[f"{upper}_TOPIC_PREFIX"] = self.prefix
            env[f"{upper}_HTTP_PORT"] = str(port)
        env["UPLOADER_REPORTER_URL"] = self.browser_url("reporter")
        env["REPORTER_SIGN_IN_URL"] = f"{self.browser_url('uploader')}/sso/reporter"
        env["UPLOADER_MATCHER_URL"] = self.browser_url("matcher")
        env["MATCHER_SIGN_IN_URL"] = f"{self.browser_url('uploader')}/sso/matcher"
        return env

    def browser_url(self, service: str) -> str:
        """The address a browser uses: ``localhost``, where browsers keep Secure cookies over plain http."""
        return f"http://localhost:{self.ports[service]}"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self, service: str, *, instance: str | None = None, port: int | None = None,
              settings: dict[str, str] | None = None) -> None:
        name, port = instance or service, port or self.ports[service]
        env = {**self.env, f"{service.upper()}_HTTP_PORT": str(port), **(settings or {})}
        log = (STATE / "logs" / f"{self.prefix}{name}.log").open("ab")
        self.processes[name] = subprocess.Popen([sys.executable, "-m", f"leap_{service}"], env=env,
                                                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        wait_ready(f"http://127.0.0.1:{port}", self.processes[name], name, f".state/logs/{self.prefix}{name}.log")

    def stop(self, name: str, *, kill: bool = False) -> None:
        process = self.processes.pop(name)
        process.kill() if kill else process.terminate()
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)


def wait_ready(base_url: str, process: subprocess.Popen, name: str, log: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}; see {log}")
        try:
            if httpx.get(f"{base_url}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)  # poll interval while waiting for readiness, bounded by the deadline
    raise TimeoutError(f"{name} not ready after {timeout}s; see {log}")


def create_platform(kind: str = "e2e", settings: dict[str, str] | None = None) -> Platform:
    """A fresh database and topics (named ``test_<kind>_…`` and ``<kind>-….``); start services with ``start``."""
    run = uuid.uuid4().hex[:8]
    database = f"test_{kind}_{run}"
    test_servers = servers()
    test_servers.create_platform_database(database)
    platform = Platform(database, f"{kind}-{run}.", {**platform_env(), **test_servers.service_settings},
                        dict(settings or {}))
    asyncio.run(create_all(platform.env["UPLOADER_KAFKA_BOOTSTRAP"], platform.prefix))
    return platform


async def _delete_topics(bootstrap: str, prefix: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics([t.full_name(prefix) for t in ALL])
    finally:
        await admin.close()


def drop_platform(platform: Platform) -> None:
    platform.stop_all()
    asyncio.run(_delete_topics(platform.env["UPLOADER_KAFKA_BOOTSTRAP"], platform.prefix))
    servers().drop_platform_database(platform.database)


@contextlib.contextmanager
def running_platform(kind: str = "e2e", settings: dict[str, str] | None = None) -> Iterator[Platform]:
    """A throw-away platform with all four services started and the demo wards loaded; dropped on exit."""
    platform = create_platform(kind, settings)
    try:
        for service in SERVICES:
            platform.start(service)
        load_demo_wards(platform.env)
        yield platform
    finally:
        drop_platform(platform)
