"""The four services of a throw-away platform as process groups that can be killed with SIGKILL and started
again at any moment, without waiting (a service may be started while Kafka or PostgreSQL is down)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from leap_tools.localenv import ROOT, STATE
from leap_tools.throwaway import SERVICES, Platform


class Services:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.processes: dict[str, subprocess.Popen] = {}

    def log(self, service: str) -> str:
        return str(STATE / "logs" / f"{self.platform.prefix}{service}.log")

    def start(self, service: str) -> None:
        """Start the service in a process group of its own (its matcher workers with it); do not wait."""
        with open(self.log(service), "ab") as log:
            self.processes[service] = subprocess.Popen(
                [sys.executable, "-m", f"leap_{service}"], env=self.platform.env, stdout=log,
                stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)

    def kill(self, service: str) -> None:
        """SIGKILL to the whole process group, as a container runtime does; reaped before returning."""
        process = self.processes.pop(service, None)
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)

    def kill_all(self) -> None:
        for service in list(self.processes):
            self.kill(service)

    def ready(self, service: str) -> bool:
        try:
            return httpx.get(f"{self.platform.url(service)}/health/ready", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def exited(self) -> dict[str, int]:
        """Services whose process ended by itself (not killed here): name -> exit code."""
        return {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}

    def wait_ready(self, services=SERVICES, *, deadline_s: float = 180.0) -> float:
        """Seconds until every service answers ready; raises when one exits or past the deadline."""
        started = time.monotonic()
        pending = set(services)
        while pending:
            if dead := {n: c for n, c in self.exited().items() if n in pending}:
                raise RuntimeError(f"exited while waiting to be ready: {dead}; see {self.log(next(iter(dead)))}")
            pending = {s for s in pending if not self.ready(s)}
            if pending:
                if time.monotonic() - started > deadline_s:
                    raise TimeoutError(f"not ready after {deadline_s:.0f}s: {sorted(pending)}")
                time.sleep(0.25)  # poll interval, bounded by the deadline
        return time.monotonic() - started
