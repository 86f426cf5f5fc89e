"""One instance, several worker processes (``MATCHER_WORKERS``): Python runs one core per process.

Each worker is the whole app (consumers of the instance's share of partitions, outbox relay, API);
uvicorn binds the port once, spreads requests over the workers and restarts one that dies. They join
the same consumer group as every other instance, so a worker is, to Kafka and PostgreSQL, just one
more instance, and the results are identical whatever their number (see the README).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import tempfile
from collections.abc import Iterator

from fastapi import FastAPI

from leap_matcher.app import create_app
from leap_matcher.settings import Settings

PR_SET_PDEATHSIG = 1


@contextlib.contextmanager
def shared_metrics() -> Iterator[None]:
    """While the workers run: their Prometheus counters go to files in one directory, and ``/metrics``
    on any worker adds up all of them (prometheus_client's multiprocess mode). A fresh directory per
    start (so no counts of an earlier run), removed afterwards; or the one ops set themselves."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="leap-matcher-metrics-") as directory:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
        yield


def worker_app() -> FastAPI:
    """The app of one worker process (uvicorn's factory). A worker never outlives its instance: if the
    parent is killed outright (SIGKILL, no time to stop its workers), the kernel stops the worker too."""
    libc = ctypes.CDLL(None, use_errno=True)
    if hasattr(libc, "prctl"):  # Linux
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    return create_app(Settings())
