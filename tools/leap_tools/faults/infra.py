"""The Kafka broker and PostgreSQL cluster, taken away and given back.

Which ones: those ``leap_contracts.testing_servers`` picks (``LEAP_TEST_SERVERS``). On the container path the
run's own containers (``docker stop``/``start``/``pause``, SIGQUIT to the postmaster); on the local path the
shared servers (deploy/local/{kafka,postgres}.sh). Those are shared with everything else on this machine, so
whatever this module stops or pauses, ``restored()`` starts and resumes again on the way out, whatever happened
(an exception, Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

from leap_contracts.testing_servers import containers, servers
from leap_tools.localenv import ROOT, STATE

LOCAL = ROOT / "deploy" / "local"
KAFKA_PID = STATE / "run" / "kafka.pid"
PGDATA = STATE / "postgres"


def _script(name: str, action: str) -> None:
    result = subprocess.run(["bash", str(LOCAL / f"{name}.sh"), action], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{name}.sh {action} failed: {(result.stdout + result.stderr)[-1500:]}")


def kafka_pid() -> int | None:
    try:
        pid = int(KAFKA_PID.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"kafka.Kafka" in cmdline else None


def kafka_stop() -> None:
    if servers().mode == "containers":
        return containers().kafka_stop()
    kafka_resume()  # a paused broker would not hear SIGTERM
    _script("kafka", "stop")


def kafka_start() -> None:
    if servers().mode == "containers":
        return containers().kafka_start()
    _script("kafka", "start")


def kafka_pause() -> None:
    if servers().mode == "containers":
        return containers().kafka_pause()
    if (pid := kafka_pid()) is not None:
        os.kill(pid, signal.SIGSTOP)


def kafka_resume() -> None:
    if servers().mode == "containers":
        return containers().kafka_resume()
    if (pid := kafka_pid()) is not None:
        os.kill(pid, signal.SIGCONT)


def _pg_bin() -> Path:
    return Path("/usr/lib/postgresql") / (PGDATA / "PG_VERSION").read_text().strip() / "bin"


def postgres_crash() -> None:
    if servers().mode == "containers":
        return containers().postgres_crash()
    """``pg_ctl stop -m immediate``: every backend ends at once, no checkpoint; recovery replays the WAL."""
    command = [str(_pg_bin() / "pg_ctl"), "-D", str(PGDATA), "-m", "immediate", "-w", "-t", "60", "stop"]
    if os.geteuid() == 0:  # the server runs as the postgres OS user, as postgres.sh runs it
        command = ["runuser", "-u", "postgres", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, cwd="/")
    if result.returncode != 0:
        raise RuntimeError(f"pg_ctl stop -m immediate failed: {result.stderr[-1000:]}")


def postgres_start() -> None:
    if servers().mode == "containers":
        return containers().postgres_start()
    _script("postgres", "start")


def restore() -> None:
    if servers().mode == "containers":
        return containers().restore()
    """Kafka resumed and running, PostgreSQL running: both idempotent."""
    kafka_resume()
    kafka_start()
    postgres_start()


@contextlib.contextmanager
def restored() -> Iterator[None]:
    """Whatever the block does to the shared servers, they run again when it ends; SIGTERM ends the block too."""
    previous = signal.getsignal(signal.SIGTERM)

    def terminate(signum, frame):  # noqa: ARG001 - the signal handler's signature
        raise KeyboardInterrupt("SIGTERM")

    if threading_main():
        signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        try:
            restore()
        finally:
            if threading_main():
                signal.signal(signal.SIGTERM, previous)


def threading_main() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()
