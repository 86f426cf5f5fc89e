"""Subscriptions with the platform's delivery rules (see leap_contracts.delivery.consumer)."""

from leap_contracts.delivery.consumer import PoisonMessage, describe, subscribe

__all__ = ["PoisonMessage", "describe", "subscribe"]
