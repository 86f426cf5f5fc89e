"""Idempotent consumer (see leap_contracts.delivery.inbox)."""

from leap_contracts.delivery.inbox import claim

__all__ = ["claim"]
