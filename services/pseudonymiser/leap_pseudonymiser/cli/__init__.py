"""Ops commands, each run as ``python -m leap_pseudonymiser.cli.<name>``."""
