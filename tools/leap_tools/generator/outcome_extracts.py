"""Outcome extracts for the whole synthetic area (one CSV per source, ``outcomes-<SOURCE>.csv``): the children
of the families the service files hold, engaged or not, and as many families again that no service ever saw
(the comparison group). Drawn from their own random stream, so the service files and their truth are the
same with or without outcomes."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from leap_tools.generator.linkage import accepted, components
from leap_tools.generator.model import Family, Row
from leap_tools.generator.outcome_records import BASE_RATES, OutcomeRow, child_outcomes, damage
from leap_tools.generator.outcome_truth import ALL_FIVE, OutcomeTruth
from leap_tools.generator.places import PostcodeTable
from leap_tools.generator.population import Sequences, make_family
from leap_tools.generator.truth import YEARS
from leap_tools.generator.writers import CsvSink, ShuffledSink

SOURCES = ("HV", "EDU", "NCMP", "DENTAL", "CHIS")
HEADER = ["provider_record_id", "nhs_number", "first_name", "last_name", "date_of_birth", "gender",
          "primary_carer_email", "postcode", "measure", "measured_on", "result"]
COMPARISON_FAMILIES = 1.0
"""Families no service saw, per family in the service files."""
_COMPARISON_PERSON_BASE = 20_000_000  # their identifiers never meet the service families' (identifiers.py)
_COMPARISON_FAMILY_BASE = 10_000_000
_GENDER_CODES = {"female": "F", "male": "M", "other": "O"}


def filename(source: str) -> str:
    return f"outcomes-{source}.csv"


class OutcomeExtracts:
    def __init__(self, out: Path, seed: int, postcodes: PostcodeTable, bad_row_rate: float) -> None:
        self._rng = random.Random(f"outcomes:{seed}")
        self._render = random.Random(f"outcomes-render:{seed}")
        self._postcodes, self._bad = postcodes, bad_row_rate
        self._seqs = Sequences()
        self._seqs.person, self._seqs.family = _COMPARISON_PERSON_BASE, _COMPARISON_FAMILY_BASE
        self.truth = OutcomeTruth(postcodes)
        for source in SOURCES:
            (out / filename(source)).unlink(missing_ok=True)
        self._sinks = {s: ShuffledSink(CsvSink(out / filename(s), "utf-8", HEADER), self._render, 500)
                       for s in SOURCES}

    def add_family(self, family: Family, rows: Sequence[Row]) -> None:
        """A family of the service files (``rows``: its rows), then its share of families no service saw."""
        kept = accepted(rows)
        engaged = {}
        for r in kept:
            if r.attended is not False:
                engaged.setdefault(r.person, set()).add(r.service)
        self._emit([o for child in family.children
                    for o in child_outcomes(self._rng, family, child, len(engaged.get(child.seq, ())))],
                   components(kept))
        if self._rng.random() < COMPARISON_FAMILIES:
            other = make_family(self._rng, self._seqs, self._postcodes)
            self._emit([o for child in other.children for o in child_outcomes(self._rng, other, child, 0)], [])

    def _emit(self, records: list[OutcomeRow], comps: list[list[Row]]) -> None:
        for record in records:
            damage(self._rng, record, self._bad)
        self.truth.add(records, comps)
        for record in records:
            self._sinks[record.source].write(self._cells(record))

    def _cells(self, r: OutcomeRow) -> list[str]:
        rand = self._render.random
        iso = rand() < 0.8
        day = (lambda d: d.isoformat()) if iso else (lambda d: d.strftime("%d/%m/%Y"))
        nhs = r.nhs or ""
        if nhs and rand() < 0.3:
            nhs = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
        gender = _GENDER_CODES[r.gender] if rand() < 0.3 else r.gender
        result = "n/a" if r.defect == "invalid_result" else r.result
        measured = "" if r.defect == "missing_measured_on" else day(r.measured_on)
        return [r.prid, nhs, r.first_name, r.last_name, day(r.dob), gender, r.carer_email or "",
                r.postcode or "", r.measure, measured, result]

    def close(self) -> None:
        for sink in self._sinks.values():
            sink.close()

    def manifest(self) -> list[dict]:
        return [{"file": filename(s), "dataset": "outcomes", "source": s, "format": "csv", "encoding": "utf-8",
                 "rows": self._sinks[s].rows, "headers": HEADER} for s in SOURCES]

    def to_json(self) -> dict:
        return self.truth.to_json([*BASE_RATES, ALL_FIVE], YEARS)
