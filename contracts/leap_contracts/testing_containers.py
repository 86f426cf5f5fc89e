"""The tests' PostgreSQL and Kafka as containers of the project's own images, through testcontainers.

``leap/postgres`` and ``leap/kafka`` (``deploy/images``, tags from ``images.tsv``), brought up to date by
``deploy/images/build.sh postgres kafka`` (layer-cached: seconds when nothing changed), started with no
registry and no reaper container (Ryuk's image is on a registry this machine cannot reach): this process
removes them, volumes and all, when it ends, and a later run removes any left behind by a process that died.
Ports are published on 127.0.0.1 only, fixed when the container is made, so a restarted container (the
fault-injection test) comes back at the same address. Use through ``leap_contracts.testing_servers``.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import re
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docker import DockerClient
    from docker.models.containers import Container
    from testcontainers.core.container import DockerContainer

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "deploy" / "images"
LABEL = "org.leap.test-servers"
SECRETS = "/run/secrets/postgres"
READY_TIMEOUT = 180.0
SMALL_DISK = "/mnt/small-disk"
"""A tiny filesystem in the PostgreSQL container, for a tablespace that fills up (the storage-fault tests)."""
SMALL_DISK_BYTES = 8 * 1024 * 1024
# The local cluster's settings (deploy/local/postgres/leap.conf.in), less where it listens: same server behaviour.
_NOT_COPIED = re.compile(r"@|^\s*(listen_addresses|port|unix_socket_\w+)\s*=")


def image(name: str) -> str:
    for line in (IMAGES / "images.tsv").read_text().splitlines():
        row = line.split("\t")
        if line and not line.startswith("#") and row[0] == name:
            return row[1]
    raise LookupError(f"no image {name} in deploy/images/images.tsv")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _in_thread(make: Callable[[], Coroutine[Any, Any, object]]) -> object:
    """Run a coroutine to its end on a loop of its own (callers may already be inside a running loop)."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["value"] = asyncio.run(make())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result.get("value")


def _postgres_settings() -> str:
    lines = (ROOT / "deploy" / "local" / "postgres" / "leap.conf.in").read_text().splitlines()
    return "\n".join(line for line in lines if line.strip() and not line.startswith("#") and not _NOT_COPIED.search(line))


class ServerContainers:
    """One PostgreSQL and one Kafka container, this process's own."""

    def __init__(self, client: DockerClient, postgres: DockerContainer, kafka: DockerContainer,
                 postgres_port: int, kafka_port: int, passwords: dict[str, str]) -> None:
        self.client, self.postgres, self.kafka = client, postgres, kafka
        self.postgres_port, self.kafka_port, self.passwords = postgres_port, kafka_port, passwords
        self.admin_dsn = f"postgresql://postgres:{passwords['postgres']}@127.0.0.1:{postgres_port}/postgres"
        self.kafka_bootstrap = f"127.0.0.1:{kafka_port}"

    @classmethod
    def start(cls, docker_host: str, service_passwords: dict[str, str]) -> ServerContainers:
        import docker
        from testcontainers.core.config import testcontainers_config
        from testcontainers.core.container import DockerContainer

        testcontainers_config.ryuk_disabled = True  # no registry here; this process cleans up (atexit)
        client = docker.DockerClient(base_url=docker_host, timeout=120)
        _remove_orphans(client)
        build = subprocess.run(["bash", str(IMAGES / "build.sh"), "postgres", "kafka"], cwd=ROOT,
                               env={**os.environ, "LEAP_DOCKER_HOST": docker_host}, capture_output=True, text=True)
        if build.returncode != 0:
            raise RuntimeError(f"deploy/images/build.sh postgres kafka failed:\n{(build.stdout + build.stderr)[-3000:]}")
        passwords = {"postgres": os.urandom(16).hex(), **service_passwords}
        labels = {LABEL: "1", f"{LABEL}.pid": str(os.getpid())}
        client_kw = {"environment": {"DOCKER_HOST": docker_host}}
        postgres_port, kafka_port = _free_port(), _free_port()

        postgres = DockerContainer(image("postgres"), docker_client_kw=client_kw).with_kwargs(labels=labels)
        postgres.tmpfs[SMALL_DISK] = f"size={SMALL_DISK_BYTES},mode=1777"
        # docker-py takes (host ip, port); testcontainers annotates ``ports`` as the port alone (hence the ignores)
        postgres.ports["5432/tcp"] = ("127.0.0.1", postgres_port)  # type: ignore[assignment]  # (host ip, port)
        postgres.with_env("POSTGRES_SETTINGS", _postgres_settings())
        for name, password in passwords.items():
            postgres.with_copy_into_container(password.encode(), f"{SECRETS}/{name}", 0o444)

        kafka = DockerContainer(image("kafka"), docker_client_kw=client_kw).with_kwargs(labels=labels)
        kafka.ports["9092/tcp"] = ("127.0.0.1", kafka_port)  # type: ignore[assignment]  # (host ip, port)
        kafka.with_env("KAFKA_CFG_ADVERTISED_LISTENERS", f"PLAINTEXT://127.0.0.1:{kafka_port}")

        running = cls(client, postgres, kafka, postgres_port, kafka_port, passwords)
        atexit.register(running.remove)
        postgres.start()
        kafka.start()
        running.wait_postgres()
        running.wait_kafka()
        return running

    def service_settings(self) -> dict[str, str]:
        settings = {}
        for name, password in self.passwords.items():
            if name == "postgres":
                continue
            up = name.upper()
            settings[f"{up}_DB_PASSWORD"] = password
            settings[f"{up}_DATABASE_URL"] = f"postgresql://leap_{name}:{password}@127.0.0.1:{self.postgres_port}/leap"
            settings[f"{up}_KAFKA_BOOTSTRAP"] = self.kafka_bootstrap
        return settings

    # --- databases: what deploy/local/postgres.sh create-test-db/drop-test-db do on the local cluster
    def psql(self, *args: str, sql: tuple[str, ...] = ()) -> str:
        """psql as the superuser inside the PostgreSQL container (its socket; password from its secret file);
        each of ``sql`` a ``-c`` of its own (its own transaction)."""
        commands = [arg for statement in sql for arg in ("-c", statement)]
        command = ["bash", "-c", f'PGPASSWORD=$(<{SECRETS}/postgres) exec psql -X -q -v ON_ERROR_STOP=1 -h /tmp '
                   '-U postgres "$@"', "psql", *args, *commands]
        output: bytes
        code, output = self.postgres.get_wrapped_container().exec_run(command, user="postgres")
        if code != 0:
            raise RuntimeError(f"psql in the test PostgreSQL failed ({code}): {output.decode(errors='replace')[-2000:]}")
        return output.decode(errors="replace")

    def bootstrap_database(self, name: str) -> None:
        _check_name(name)
        self.psql("-d", "postgres", sql=("SET client_min_messages = warning", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        variables = [f"-v{s}_password={self.passwords[s]}" for s in ("uploader", "pseudonymiser", "matcher", "reporter")]
        self.psql("-d", "postgres", f"-vdbname={name}", *variables, "-f", "/opt/leap/db-bootstrap.sql")

    def drop_database(self, name: str) -> None:
        _check_name(name)
        self.psql("-d", "postgres", sql=("SET client_min_messages = warning", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    # --- readiness
    def wait_postgres(self, timeout: float = READY_TIMEOUT) -> None:
        import asyncpg

        async def connects() -> None:
            connection = await asyncpg.connect(self.admin_dsn, timeout=5)
            await connection.close()

        _wait(lambda: _in_thread(connects), "the test PostgreSQL", self.postgres, timeout)

    def wait_kafka(self, timeout: float = READY_TIMEOUT) -> None:
        from aiokafka.admin import AIOKafkaAdminClient

        async def answers() -> None:
            admin = AIOKafkaAdminClient(bootstrap_servers=self.kafka_bootstrap, request_timeout_ms=5000)
            await admin.start()
            try:
                await admin.list_topics()
            finally:
                await admin.close()

        quiet = logging.getLogger("aiokafka")
        level, quiet.level = quiet.level, logging.CRITICAL  # "Unable connect" until the broker listens
        try:
            _wait(lambda: _in_thread(answers), "the test Kafka", self.kafka, timeout)
        finally:
            quiet.setLevel(level)

    # --- faults (tests/e2e/test_faults.py through leap_tools.faults.infra): the containers, never the local servers
    def _container(self, which: str) -> Container:
        container = (self.kafka if which == "kafka" else self.postgres).get_wrapped_container()
        container.reload()
        return container

    def status(self, which: str) -> str:
        """``running``, ``paused``, ``exited``...: the container ``which`` (``kafka`` or ``postgres``) now."""
        status: str = self._container(which).status
        return status

    def kafka_stop(self) -> None:
        self.kafka_resume()
        container = self._container("kafka")
        if container.status == "running":
            container.stop(timeout=60)  # SIGTERM: a controlled shutdown, as kafka.sh stop

    def kafka_start(self) -> None:
        self.kafka_resume()
        if self._container("kafka").status != "running":
            self._container("kafka").start()
        self.wait_kafka()

    def kafka_pause(self) -> None:
        if self._container("kafka").status == "running":
            self._container("kafka").pause()

    def kafka_resume(self) -> None:
        if self._container("kafka").status == "paused":
            self._container("kafka").unpause()

    def postgres_crash(self) -> None:
        """SIGQUIT to the postmaster (the container's process 1): what ``pg_ctl stop -m immediate`` sends."""
        container = self._container("postgres")
        if container.status == "running":
            container.kill(signal="SIGQUIT")
            container.wait(timeout=60)

    def postgres_start(self) -> None:
        if self._container("postgres").status != "running":
            self._container("postgres").start()
        self.wait_postgres()

    def restore(self) -> None:
        self.kafka_start()
        self.postgres_start()

    def remove(self) -> None:
        for container in (self.kafka, self.postgres):
            try:
                container.stop(force=True, delete_volume=True)
            except Exception:  # noqa: BLE001, S110 - already gone, or the engine with it
                pass


def _check_name(name: str) -> None:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name) or name in ("leap", "postgres", "template0", "template1"):
        raise ValueError(f"refusing database name {name!r}")


def _wait(check: Callable[[], object], what: str, container: DockerContainer, timeout: float) -> None:
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            check()
            return
        except Exception as exc:  # noqa: BLE001 - not ready yet; the last error is reported
            last = exc
        wrapped = container.get_wrapped_container()
        wrapped.reload()
        if wrapped.status == "exited":
            raise RuntimeError(f"{what} exited: {wrapped.logs(tail=40).decode(errors='replace')}")
        time.sleep(0.5)  # poll interval while the server starts, bounded by the deadline
    raise TimeoutError(f"{what} not ready after {timeout:.0f}s ({type(last).__name__}: {last})")


def _remove_orphans(client: DockerClient) -> None:
    """Containers a test process left when it died (no atexit): removed with their volumes."""
    for container in client.containers.list(all=True, filters={"label": LABEL}):
        pid = int(container.labels.get(f"{LABEL}.pid", "0") or 0)
        if pid and pid != os.getpid() and not Path(f"/proc/{pid}").exists():
            container.remove(force=True, v=True)
