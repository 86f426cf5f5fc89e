"""The outcome figures an exact implementation must report (docs/outcomes-dataset.md), from the generator's
own records: each record is linked by the rules (NHS number, child key) to the individuals the service
rows form (``linkage.components``), one family at a time, so only counters are kept."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from leap_tools.generator.catalogue import BY_CODE, SERVICES, STRANDS
from leap_tools.generator.linkage import link_keys
from leap_tools.generator.model import Row
from leap_tools.generator.outcome_records import ASQ_DOMAINS, OutcomeRow, effect_model, outcome_keys
from leap_tools.generator.places import OTHER_WARD, PROGRAMME_WARDS, PostcodeTable

SCHEMA = "leap-generator-outcomes/1"
ALL_FIVE = "asq3_all_five"
GROUPS = ("0", "1", "2", "3+")
DEFINITIONS = {
    "record": "an accepted outcome row; rejected rows count in no figure",
    "linked": "its NHS number or child key tokens belong to exactly one individual (formed from all accepted "
              "service rows); unlinked: to none; bridging: to several (never linked, never merges); "
              "unlinkable: no usable NHS number nor complete child key",
    "services_engaged": "distinct services with an attended row of the linked individual; 0 when unlinked or "
                        "without attended rows; bridging and unlinkable records count in no figure",
    "strand/service": "records linked to an individual that attended the strand/service",
    "ward/year": "engaged (1+ services) and not_engaged (0) records by the ward of the record's postcode and "
                 "the year of measured_on; records without a postcode have no ward",
    ALL_FIVE: "one record per (source record id, measured_on) with all five ASQ-3 domains accepted, positive "
              "when all five are, linked as its domain rows",
    "one_result": "one result per child per measure (docs/outcomes-dataset.md): the child is the linked "
                  "individual, or, unlinked, its source record id in its extract; the latest measured_on "
                  "wins, then not positive, then a ward, then the greater ward name",
    "coverage": "engaged children (individuals whose attended rows are all child rows) with at least one linked "
                "record of the measure (any: of any measure), of all engaged children",
}


def group_of(services: int) -> str:
    return GROUPS[min(services, 3)]


class OutcomeTruth:
    def __init__(self, postcodes: PostcodeTable) -> None:
        self.postcodes = postcodes
        self.cells: Counter[tuple] = Counter()
        self.status: Counter[str] = Counter()
        self.files: dict[str, Counter] = {}
        self.engaged_children = 0
        self.covered: Counter[str] = Counter()

    def add(self, outcome_rows: Sequence[OutcomeRow], comps: Sequence[list[Row]]) -> None:
        for row in outcome_rows:
            tally = self.files.setdefault(row.source, Counter())
            tally["rows"] += 1
            tally["rejected" if row.defect else "accepted"] += 1
        index: dict[tuple, set[int]] = {}
        for i, comp in enumerate(comps):
            for r in comp:
                for key in link_keys(r):
                    if key[0] in ("nhs", "child"):
                        index.setdefault(key, set()).add(i)
        attended = [sorted({r.service for r in comp if r.attended is not False}) for comp in comps]
        children = {i for i, comp in enumerate(comps) if attended[i]
                    and {r.kind for r in comp if r.attended is not False} == {"child"}}
        self.engaged_children += len(children)
        covered: dict[int, set[str]] = {}
        accepted = [r for r in outcome_rows if r.defect is None]
        candidates = []
        for row, measure, positive in [*((r, r.measure, r.positive) for r in accepted), *_all_five(accepted)]:
            keys = outcome_keys(row)
            hits = {i for key in keys for i in index.get(key, ())}
            if not keys or len(hits) > 1:
                self.status["unlinkable" if not keys else "bridging"] += measure != ALL_FIVE
                continue
            services: list[str] = []
            child: tuple = ("subject", row.source, row.prid)  # unlinked: known only within its extract
            if hits:
                (i,) = hits
                services, child = attended[i], ("individual", i)
                if i in children:
                    covered.setdefault(i, set()).update((measure, "any"))
            self.status["linked" if hits else "unlinked"] += measure != ALL_FIVE
            candidates.append((row, measure, positive, services, child))
        counted: dict[tuple, tuple] = {}
        for candidate in candidates:  # one result per child per measure (DEFINITIONS["one_result"])
            key, held = (candidate[1], candidate[4]), counted.get((candidate[1], candidate[4]))
            if held is None or self._precedence(candidate) > self._precedence(held):
                counted[key] = candidate
        for row, measure, positive, services, _ in counted.values():
            self._count(row, measure, positive, services)
        for measures in covered.values():
            self.covered.update(measures)

    def _precedence(self, candidate: tuple) -> tuple:
        row, positive = candidate[0], candidate[2]
        ward = self.postcodes.ward(row.postcode) if row.postcode else None
        return row.measured_on, not positive, ward is not None, ward or ""

    def _count(self, row: OutcomeRow, measure: str, positive: bool, services: list[str]) -> None:
        cells = self.cells
        keys = [("services_engaged", group_of(len(services)))]
        keys += [("strand", s) for s in sorted({BY_CODE[c].strand for c in services})]
        keys += [("service", c) for c in services]
        engaged = "engaged" if services else "not_engaged"
        keys.append(("year", str(row.measured_on.year), engaged))
        if row.postcode:
            keys.append(("ward", self.postcodes.ward(row.postcode), engaged))
        for key in keys:
            cells[(measure, *key, "den")] += 1
            cells[(measure, *key, "num")] += positive

    def _cell(self, *key) -> dict:
        return {"numerator": self.cells[(*key, "num")], "denominator": self.cells[(*key, "den")]}

    def to_json(self, measures: Sequence[str], years: Sequence[str]) -> dict:
        pair = ("engaged", "not_engaged")
        figures = {m: {
            "services_engaged": {g: self._cell(m, "services_engaged", g) for g in GROUPS},
            "strand": {s: self._cell(m, "strand", s) for s in STRANDS},
            "service": {s.code: self._cell(m, "service", s.code) for s in SERVICES},
            "ward": {w: {e: self._cell(m, "ward", w, e) for e in pair} for w in (*PROGRAMME_WARDS, OTHER_WARD)},
            "year": {y: {e: self._cell(m, "year", y, e) for e in pair} for y in years},
        } for m in measures}
        return {
            "schema": SCHEMA,
            "definitions": DEFINITIONS,
            "model": effect_model(),
            "files": {f"outcomes-{s}.csv": {"source": s, **{k: t[k] for k in ("rows", "accepted", "rejected")}}
                      for s, t in sorted(self.files.items())},
            "records": {k: self.status[k] for k in ("linked", "unlinked", "bridging", "unlinkable")},
            "coverage": {m: {"children": self.covered[m], "of": self.engaged_children} for m in ("any", *measures)},
            "measures": figures,
        }


def _all_five(rows: Sequence[OutcomeRow]):
    """(a domain row standing for the review, asq3_all_five, positive) per review with all five domains."""
    reviews: dict[tuple, list[OutcomeRow]] = {}
    for r in rows:
        if r.measure in ASQ_DOMAINS:
            reviews.setdefault((r.source, r.prid, r.measured_on), []).append(r)
    for review in reviews.values():
        if {r.measure for r in review} == set(ASQ_DOMAINS) and len(review) == len(ASQ_DOMAINS):
            yield review[0], ALL_FIVE, all(r.positive for r in review)
