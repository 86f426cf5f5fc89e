"""Structured JSON logs. Log ids and counts only: never a field value, never a provider's file name."""

import logging
import sys
from typing import TextIO

import structlog


def configure(level: str = "INFO", stream: TextIO | None = None) -> None:
    """JSON lines to ``stream`` (stdout by default; the admin command uses stderr)."""
    logging.basicConfig(format="%(message)s", level=level, stream=stream or sys.stderr)
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
