"""One service instance, several processes (the matcher's workers, the reporter's read-model builder).

Their Prometheus metrics are counted together: prometheus_client's multiprocess mode: every process that
starts while ``PROMETHEUS_MULTIPROC_DIR`` is set writes its counters to files there, and ``/metrics``
(``leap_contracts.delivery.health.health_router``) adds up all of them, whichever process answers. The
variable must be set before a process imports prometheus_client, so this module imports nothing of it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import tempfile
from collections.abc import Iterator

PR_SET_PDEATHSIG = 1


@contextlib.contextmanager
def shared_metrics(service: str) -> Iterator[None]:
    """While the service's processes run: a fresh directory per start (so no counts of an earlier run),
    removed afterwards; or the one ops set themselves."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix=f"leap-{service}-metrics-") as directory:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
        try:
            yield
        finally:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]


def die_with_parent() -> None:
    """A child process never outlives its instance: if the parent is killed outright (SIGKILL, no time to
    stop its children), the kernel sends the child SIGTERM (Linux; elsewhere nothing happens)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if hasattr(libc, "prctl"):
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
