"""The reporter's read-model builder runs in a process of its own: killed outright, the reporter says it is
not ready at once, starts it again, and is ready again with consumers and relay running (real broker and
database)."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import httpx
import pytest

pytestmark = pytest.mark.e2e


def _builder_pids(reporter_pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(reporter_pid), "-f", "leap_reporter.builder_process"],
                           capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in found]


def _ready(platform) -> tuple[int, dict]:
    answer = httpx.get(f"{platform.url('reporter')}/health/ready", timeout=5)
    return answer.status_code, answer.json()["checks"]


def _until(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.1)  # poll interval, bounded by the deadline
    raise AssertionError(f"not within {seconds} s")


def test_a_killed_builder_is_started_again_and_readiness_says_so(platform):
    reporter = platform.processes["reporter"].pid
    first = _until(lambda: _builder_pids(reporter), 30)
    status, checks = _until(lambda: (found := _ready(platform))[0] == 200 and found, 60)
    assert checks["read_model_builder"] and checks["consumers"] and checks["relay"] and checks["broker"]

    os.kill(first[0], signal.SIGKILL)
    status, checks = _until(lambda: (found := _ready(platform))[0] == 503 and found, 10)
    assert checks["read_model_builder"] is False

    status, checks = _until(lambda: (found := _ready(platform))[0] == 200 and found, 60)
    assert checks["read_model_builder"] and checks["consumers"] and checks["relay"]
    assert _builder_pids(reporter) and _builder_pids(reporter) != first
