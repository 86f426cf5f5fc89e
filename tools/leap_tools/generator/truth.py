"""The figures an exact implementation of the rules must report.

Fed one family at a time (identifiers never link across families, except
junk and placeholder values, which never link at all), so memory stays
constant: only counters are kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations

from leap_tools.generator.catalogue import BY_CODE, SERVICES, STRANDS
from leap_tools.generator.layout import FileLayout
from leap_tools.generator.linkage import accepted, components
from leap_tools.generator.model import Row
from leap_tools.generator.places import OTHER_WARD, PROGRAMME_WARDS, PostcodeTable
from leap_tools.generator.quality import REASONS, REJECTION_COLUMN, WARNING_KINDS, warnings_of

SCHEMA = "leap-generator-truth/1"
YEARS = ("2024", "2025")
DEFINITIONS = {
    "individual": "a connected component of accepted rows linked by shared identifiers "
                  "(valid non-junk NHS number; child key; adult e-mail; adult UK mobile; "
                  "provider_record_id within one service); placeholder/junk values never link",
    "child_key": "primary_carer_email (trimmed, lowercased, not a placeholder) + date_of_birth + "
                 "gender (female/male/other) + first 3 characters of first_name after lowercasing, "
                 "removing diacritics (NFKD) and removing apostrophes, hyphens and spaces",
    "reached": "an individual (formed from all accepted rows) counts in a figure when at least "
               "one of its attended rows (attended yes/true/1 or blank) falls in the slice",
    "reached_in_period": "an individual with at least one attended accepted row dated in the period",
    "by_ward": "individuals with at least one attended accepted row whose postcode lies in the ward "
               "(postcodes.csv); rows without a postcode have no ward",
    "warnings_by_kind": "accepted rows carrying the finding (nhs_number, email or "
                        "primary_carer_email, mobile or primary_carer_mobile); each kind "
                        "counted at most once per row",
    "attended_contacts": "accepted rows whose attended value is yes/true/1 or blank",
    "persons": "the true number of different generated people with at least one attended accepted row: "
               "what unique_beneficiaries would be if linkage made no false merge or split",
}


class FileTally:
    def __init__(self) -> None:
        self.rows = self.accepted = self.attended = 0
        self.reasons: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()

    def add(self, row: Row) -> None:
        self.rows += 1
        if row.defect is not None:
            self.reasons[row.defect] += 1
            return
        self.accepted += 1
        self.attended += row.attended is not False
        for kind in warnings_of(row):
            self.warnings[kind] += 1

    def to_json(self) -> dict:
        by_column = Counter({column: 0 for column in REJECTION_COLUMN.values()})
        for reason, n in self.reasons.items():
            by_column[REJECTION_COLUMN[reason]] += n
        return {
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rows - self.accepted,
            "rejected_by_reason": {r: self.reasons[r] for r in REASONS},
            "rejected_by_column": dict(sorted(by_column.items())),
            "warnings_by_kind": {k: self.warnings[k] for k in WARNING_KINDS},
            "attended_contacts": self.attended,
        }


class Truth:
    def __init__(self, postcodes: PostcodeTable) -> None:
        self.postcodes = postcodes
        self.files: dict[str, FileTally] = {}
        self.unique = 0
        self.by: dict[str, Counter] = {k: Counter() for k in (
            "type", "service", "strand", "ward", "year", "service_year", "n_services", "overlap")}
        self.people = self.people_split = self.merged_components = self.families = 0
        self.persons_reached = 0

    def add_family(self, rows: Sequence[Row]) -> None:
        self.families += 1
        for row in rows:
            tally = self.files.get(row.service)
            if tally is None:
                tally = self.files[row.service] = FileTally()
            tally.add(row)
        comps = components(accepted(rows))
        self.persons_reached += len({r.person for comp in comps for r in comp if r.attended is not False})
        comps_of_person: Counter[int] = Counter()
        for comp in comps:
            reached = [r for r in comp if r.attended is not False]
            if reached:  # all accepted rows link; only contacts that happened count as reach
                self.unique += 1
                self._add_individual(reached)
            persons = {r.person for r in comp}
            comps_of_person.update(persons)
            self.merged_components += len(persons) > 1
        self.people += len(comps_of_person)
        self.people_split += sum(1 for n in comps_of_person.values() if n > 1)

    def _add_individual(self, comp: list[Row]) -> None:
        by = self.by
        services = sorted({r.service for r in comp})
        kinds = {r.kind for r in comp}
        by["type"][kinds.pop() if len(kinds) == 1 else "mixed"] += 1
        by["service"].update(services)
        by["strand"].update({BY_CODE[s].strand for s in services})
        by["ward"].update({self.postcodes.ward(r.postcode) for r in comp if r.postcode})
        by["year"].update({str(r.date.year) for r in comp})
        by["service_year"].update({(r.service, str(r.date.year)) for r in comp})
        by["n_services"][str(len(services))] += 1
        by["overlap"].update(f"{a}+{b}" for a, b in combinations(services, 2))

    def to_json(self, layouts: dict[str, FileLayout], meta: dict) -> dict:
        files, totals = {}, FileTally()
        for service, tally in self.files.items():
            layout = layouts[service]
            files[layout.filename] = {
                "service": service, "format": layout.format, "encoding": layout.encoding,
                **tally.to_json(), "unknown_columns": layout.unknown_columns,
            }
            totals.rows += tally.rows
            totals.accepted += tally.accepted
            totals.attended += tally.attended
            totals.reasons.update(tally.reasons)
            totals.warnings.update(tally.warnings)
        by = self.by
        codes = [s.code for s in SERVICES]
        return {
            "schema": SCHEMA,
            **meta,
            "definitions": DEFINITIONS,
            "totals": totals.to_json(),
            "files": dict(sorted(files.items())),
            "unique_beneficiaries": self.unique,
            "persons": self.persons_reached,
            "unique_beneficiaries_by_type": {k: by["type"][k] for k in ("adult", "child")},
            "by_service": {c: by["service"][c] for c in codes},
            "by_strand": {s: by["strand"][s] for s in STRANDS},
            "by_ward": {w: by["ward"][w] for w in (*PROGRAMME_WARDS, OTHER_WARD)},
            "by_year": {y: by["year"][y] for y in YEARS},
            "by_service_year": {c: {y: by["service_year"][(c, y)] for y in YEARS} for c in codes},
            "by_number_of_services": dict(sorted(by["n_services"].items(), key=lambda kv: int(kv[0]))),
            "service_overlap": dict(sorted(by["overlap"].items())),
            "diagnostics": {
                "note": "about the generated people, not figures the platform reports",
                "families": self.families,
                "people_with_accepted_rows": self.people,
                "people_split_over_several_individuals": self.people_split,
                "individuals_joining_several_people": self.merged_components,
                "mixed_type_individuals": by["type"]["mixed"],
            },
        }
