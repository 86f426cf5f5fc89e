"""The uploader's use cases: what its routes, pages, Kafka handlers and ops command call."""

PRODUCER = "uploader"
"""The producer every event of this service carries (its units of work and its record chunks)."""
