"""Synthetic provider files for the LEAP standard reach dataset, with the truth.

The generator is an independent oracle: it imports nothing from `services/` or
`contracts/`, keeps its own copy of the service catalogue and computes the
figures an exact implementation of the rules must report from the values it
generated itself (see `truth.py`).
"""

from leap_tools.generator.run import GenerationSummary, generate

__all__ = ["GenerationSummary", "generate"]
