"""A service starting while its database or broker is down waits for it, instead of exiting.

Each start-up step that needs a server (the pool, the migrations, the producer, the consumers) is retried with
``Backoff`` for as long as the failure says the server cannot be reached (``consumer.connection_lost``, or a
connect timeout); any other failure (a bad password, a broken migration) still ends the start-up at once. Until
start-up is done the service's ports answer every request 503 with what it waits for (``waiting_for``, shown by
``leap_contracts.http.starting``), so nothing routes to it or counts it ready meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog

from leap_contracts.delivery.consumer import connection_lost
from leap_contracts.delivery.health import Backoff

log = structlog.get_logger()
T = TypeVar("T")
_waiting: dict[str, str] = {}  # what this process waits for at start-up -> the last error's type


def waiting_for() -> str | None:
    """What start-up waits for now, e.g. ``database (OSError)``; None when it waits for nothing."""
    return "; ".join(f"{what} ({error})" for what, error in _waiting.items()) or None


def unreachable(exc: BaseException) -> bool:
    """The server is down or restarting (a connect timeout included: at start-up nothing else can time out)."""
    return connection_lost(exc) or isinstance(exc, TimeoutError)


async def until_reachable(what: str, attempt: Callable[[], Awaitable[T]], *, backoff: Backoff | None = None) -> T:
    """``await attempt()`` until it does not fail for want of a server; its result."""
    backoff = backoff or Backoff()
    while True:
        try:
            result = await attempt()
        except Exception as exc:
            if not unreachable(exc):
                _waiting.pop(what, None)
                raise
            _waiting[what] = type(exc).__name__
            delay = backoff.next_delay()
            log.warning("startup.waiting", what=what, error=type(exc).__name__, failures=backoff.failures,
                        retry_in_s=round(delay, 2))
            await asyncio.sleep(delay)
        else:
            _waiting.pop(what, None)
            if backoff.failures:
                log.info("startup.reached", what=what, after_failures=backoff.failures)
            return result
