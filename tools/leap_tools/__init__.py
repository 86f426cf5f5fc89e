"""LEAP platform tools (generator, benchmarks, admin helpers)."""
