"""The standard reach dataset (v1): its columns and the rules every row must pass."""

from leap_contracts.dataset.columns import COLUMNS, REQUIRED_COLUMNS, HeaderProblem, read_header
from leap_contracts.dataset.rules import RowProblem, RowValidator

__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "HeaderProblem", "RowProblem", "RowValidator", "read_header"]
