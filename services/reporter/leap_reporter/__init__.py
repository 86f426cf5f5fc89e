"""The reporter service: a read model of reach built only from events, and the API that reads it."""
