"""The pseudonymiser's HTTP API (health and metrics come from ``leap_contracts.delivery.health``)."""
