"""Ops commands (repairs, not routine steps): ``python -m leap_matcher.cli.<command>``."""
