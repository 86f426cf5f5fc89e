"""Transactional outbox of this service's schema (see leap_contracts.delivery.outbox)."""

from leap_contracts.delivery.outbox import OutboxRelay, add, copy_in

__all__ = ["OutboxRelay", "add", "copy_in"]
