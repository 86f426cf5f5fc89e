"""Structured JSON logs (see leap_contracts.delivery.logs): ids and counts only, never a field value."""

from leap_contracts.delivery.logs import configure

__all__ = ["configure"]
