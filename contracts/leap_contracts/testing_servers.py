"""The PostgreSQL and Kafka the tests run on: the project's own images through testcontainers, or the local servers.

One switch, ``LEAP_TEST_SERVERS``:

- ``containers``: ``leap/postgres`` and ``leap/kafka`` (the images ``make images`` builds, ``deploy/images``;
  built here when missing) started once per test process through testcontainers on the project's engine
  (``deploy/images/engine.sh``; ``LEAP_DOCKER_HOST`` names another), published on 127.0.0.1 only, removed
  when the process ends. Every run gets servers of its own; the shared local ones are never touched.
- ``local``: the project-local servers (``deploy/local/postgres.sh``/``kafka.sh``, 127.0.0.1:55432 and :19092),
  or ``LEAP_TEST_ADMIN_DSN``/``LEAP_TEST_KAFKA_BOOTSTRAP``; for machines without an engine.
- unset: ``containers`` when the project's engine answers, else ``local``.

Everything in the tests that reaches a server asks ``servers()`` (``leap_contracts.testing``, the conftests,
``leap_tools.throwaway``, the fault injection of ``leap_tools.faults.infra``).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from leap_contracts.testing_containers import ServerContainers

ROOT = Path(__file__).resolve().parents[2]
MODE_ENV = "LEAP_TEST_SERVERS"
MODES = ("containers", "local")
SERVICES = ("uploader", "pseudonymiser", "matcher", "reporter")
LOCAL_ADMIN_DSN = f"postgresql://postgres@/postgres?host={ROOT}/.state/run/postgres&port=55432"
LOCAL_KAFKA = "127.0.0.1:19092"


def docker_host() -> str:
    """The engine the containers run on: ``LEAP_DOCKER_HOST``, else the project's own (as engine.sh)."""
    return os.environ.get("LEAP_DOCKER_HOST") or f"unix://{ROOT}/.state/docker/docker.sock"


def engine_answers() -> bool:
    host = docker_host()
    if host.startswith("unix://") and not Path(host.removeprefix("unix://")).exists():
        return False
    try:
        import docker
    except ImportError:  # testcontainers (and its docker client) are dev requirements
        return False
    try:
        client = docker.DockerClient(base_url=host, timeout=5)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # noqa: BLE001 - any failure to reach the engine means "no engine"
        return False


def mode() -> str:
    chosen = os.environ.get(MODE_ENV, "").strip().lower()
    if chosen and chosen not in MODES:
        raise ValueError(f"{MODE_ENV}={chosen!r}: use one of {', '.join(MODES)} (or leave it unset)")
    return chosen or ("containers" if engine_answers() else "local")


def with_database(dsn: str, database: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


@dataclass
class Servers:
    """Where the tests' PostgreSQL and Kafka are, and what the services need to reach them."""

    mode: str
    admin_dsn: str
    """A superuser DSN, database ``postgres``."""
    kafka_bootstrap: str
    service_settings: dict[str, str] = field(default_factory=dict)
    """``<NAME>_DATABASE_URL`` (database ``leap``), ``<NAME>_DB_PASSWORD``, ``<NAME>_KAFKA_BOOTSTRAP`` over
    ``.state/platform.env`` (empty on the local path: platform.env names the local servers)."""

    def admin_dsn_for(self, database: str) -> str:
        return with_database(self.admin_dsn, database)

    def create_platform_database(self, name: str) -> None:
        """A fresh database with the platform's roles and schemas (``deploy/local/db-bootstrap.sql``)."""
        if self.mode == "local":
            _postgres_sh("create-test-db", name)
        else:
            _containers().bootstrap_database(name)

    def drop_platform_database(self, name: str) -> None:
        if self.mode == "local":
            _postgres_sh("drop-test-db", name, check=False)
        else:
            _containers().drop_database(name)


def _postgres_sh(*args: str, check: bool = True) -> None:
    subprocess.run(["bash", str(ROOT / "deploy" / "local" / "postgres.sh"), *args], check=check, capture_output=True)


_lock = threading.Lock()
_servers: Servers | None = None
_running: ServerContainers | None = None  # on the container path


def servers() -> Servers:
    """This process's test servers (containers started on first use, once)."""
    global _servers, _running
    with _lock:
        if _servers is None:
            if mode() == "local":
                _servers = Servers("local", os.environ.get("LEAP_TEST_ADMIN_DSN", LOCAL_ADMIN_DSN),
                                   os.environ.get("LEAP_TEST_KAFKA_BOOTSTRAP", LOCAL_KAFKA))
            else:
                from leap_contracts.testing_containers import ServerContainers

                _running = ServerContainers.start(docker_host(), {s: secrets.token_hex(16) for s in SERVICES})
                _servers = Servers("containers", _running.admin_dsn, _running.kafka_bootstrap,
                                   _running.service_settings())
        return _servers


def _containers() -> ServerContainers:
    servers()
    if _running is None:
        raise RuntimeError("not on the container path")
    return _running


def containers() -> ServerContainers:
    """The running test containers (restart, pause, crash: the fault-injection tests); container path only."""
    return _containers()


if __name__ == "__main__":  # `python -m leap_contracts.testing_servers`: the path the tests will take (make test)
    print(mode())
