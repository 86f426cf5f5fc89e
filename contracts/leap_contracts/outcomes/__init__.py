"""The outcomes dataset (v1): administrative records about children (docs/outcomes-dataset.md).

``catalogue`` defines every outcome source and measure as data; ``results`` reads a result on a
measure's scale; ``columns`` and ``rules`` read an outcome file's header and rows.
"""

from leap_contracts.outcomes.catalogue import MEASURES, SOURCES, Measure, Source, measures_of_source
from leap_contracts.outcomes.columns import OUTCOME_COLUMNS, read_outcome_header
from leap_contracts.outcomes.rules import OutcomeRowValidator

__all__ = ["MEASURES", "OUTCOME_COLUMNS", "SOURCES", "Measure", "OutcomeRowValidator", "Source",
           "measures_of_source", "read_outcome_header"]
