"""Structured JSON logs. Log ids and counts only: never a field value, never a provider's file name."""

import logging
import sys
from typing import TextIO

import structlog


class _PathOnly(logging.Filter):
    """uvicorn's access lines name the path, never the query string: it can carry a one-time sign-in
    assertion, upload ids or figure filters, none of which belongs in a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?", 1)[0], version, status)
        return True


def configure(level: str = "INFO", stream: TextIO | None = None) -> None:
    """JSON lines to ``stream`` (stdout by default; the admin command uses stderr)."""
    logging.basicConfig(format="%(message)s", level=level, stream=stream or sys.stderr)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _PathOnly) for f in access.filters):
        access.addFilter(_PathOnly())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(stream or sys.stdout),
    )
