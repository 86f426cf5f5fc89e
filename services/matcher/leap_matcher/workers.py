"""One instance, several worker processes (``MATCHER_WORKERS``): Python runs one core per process.

Each worker is the whole app (consumers of the instance's share of partitions, outbox relay, API);
uvicorn binds the port once, spreads requests over the workers and restarts one that dies. They join
the same consumer group as every other instance, so a worker is, to Kafka and PostgreSQL, just one
more instance, and the results are identical whatever their number (see the README).
"""

from __future__ import annotations

from fastapi import FastAPI

from leap_contracts.delivery.processes import die_with_parent

from leap_matcher.app import create_app
from leap_matcher.settings import Settings


def worker_app() -> FastAPI:
    """The app of one worker process (uvicorn's factory); it never outlives its instance."""
    die_with_parent()
    return create_app(Settings())
