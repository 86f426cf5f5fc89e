"""Pure rule for an individual's attributes when its records disagree, with provenance.

For each attribute (type, birth month, gender, ward, ethnicity, first language) the value comes
from the most recent engagement that states one (a missing value never overwrites); ties are
broken by the larger upload id, then the larger row number, so the outcome depends only on the
set of records, never on the order they arrived in or on which instance handled them. The
individual keeps, per attribute, the record it came from (upload, row, engagement date).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

ATTRIBUTES = ("beneficiary_type", "birth_month", "gender", "ward_code", "ethnicity", "first_language")

Attributes = dict[str, dict[str, Any]]
"""attribute -> {"value", "upload_id", "row_number", "engagement_date"} (ids and dates as text)."""


def _rank(source: Mapping[str, Any]) -> tuple[Any, ...]:
    return (source["engagement_date"], source["upload_id"], source["row_number"])


def candidate(record: Mapping[str, Any], upload_id: str) -> Attributes:
    """The attributes one record states, each with its provenance."""
    where = {"upload_id": upload_id, "row_number": record["row_number"],
             "engagement_date": str(record["engagement_date"])}
    return {a: {"value": record[a], **where} for a in ATTRIBUTES if record.get(a) is not None}


def combine(sources: Iterable[Attributes]) -> Attributes:
    """Per attribute, the winning statement among all sources (stored individuals and new records)."""
    best: Attributes = {}
    for attributes in sources:
        for name, statement in attributes.items():
            current = best.get(name)
            if current is None or _rank(statement) > _rank(current):
                best[name] = statement
    return best


def combine_records(stored: Iterable[Attributes], records: Iterable[Mapping[str, Any]], upload_id: str) -> Attributes:
    """``combine(stored + [candidate(r) for r in records])`` for records of one upload, without building
    a statement per record: the records are ranked once and each attribute takes the first that states
    it. Same result as ``combine`` (tested)."""
    best = combine(stored)
    records = list(records)
    ranked = records if len(records) == 1 else sorted(records, key=_recency, reverse=True)
    latest: Attributes = {}  # per attribute, the statement of the records' most recent record stating it
    for record in ranked:
        where = None
        for name in ATTRIBUTES:
            if name not in latest and (value := record.get(name)) is not None:
                if where is None:
                    where = {"upload_id": upload_id, "row_number": record["row_number"],
                             "engagement_date": str(record["engagement_date"])}
                latest[name] = {"value": value, **where}
        if len(latest) == len(ATTRIBUTES):
            break
    for name, statement in latest.items():
        current = best.get(name)
        if current is None or _rank(statement) > _rank(current):
            best[name] = statement
    return best


def _recency(record: Mapping[str, Any]) -> tuple[Any, ...]:
    return record["engagement_date"], record["row_number"]  # one upload: its date, then its row
