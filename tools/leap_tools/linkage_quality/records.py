"""A generated folder read as the platform reads it: standard dataset rows, pseudonymised,
pooled into service records (one per service and provider record id, which the exact rules
link anyway), each with its true person."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from leap_contracts.dataset.columns import HeaderProblem, read_header
from leap_contracts.dataset.rules import RowValidator
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser
from leap_contracts.pseudonymisation.match_keys import MatchKeyMaker, canonical, name_letters
from leap_contracts.pseudonymisation.normalise import (
    normalise_email,
    normalise_mobile,
    normalise_nhs_number,
    normalise_postcode,
)
from leap_tools.generator.person_map import read_person_map
from leap_tools.generator.places import load_postcodes

BENCH_KEY = bytes(range(32))
"""A fixed key for synthetic data only."""


@dataclass(slots=True)
class ServiceRecord:
    id: str
    service: str
    person: int
    beneficiary_type: str
    attended: bool = False
    tokens: set[str] = field(default_factory=set)
    nhs: set[str] = field(default_factory=set)
    child_keys: set[str] = field(default_factory=set)
    carers: set[str] = field(default_factory=set)
    match_keys: dict[str, set[str]] = field(default_factory=dict)
    """Every token of each match key over the record's rows (a family that moved has two postcodes)."""
    gender: str | None = None
    ward: str | None = None
    ethnicity: str | None = None
    first_language: str | None = None
    clear: dict[str, str | None] = field(default_factory=dict)
    """Clear normalised values, for Splink's upper bound only (synthetic data)."""


class _Reader:
    def __init__(self) -> None:
        tokeniser = Tokeniser(BENCH_KEY, "bench")
        self.identifier = RowIdentifier(tokeniser)
        self.keys = MatchKeyMaker(tokeniser)
        self.wards = load_postcodes().ward_of
        self.records: dict[tuple[str, str], ServiceRecord] = {}

    def add(self, service: str, person: int, rec) -> None:
        btype = rec.beneficiary_type
        key = (service, rec.provider_record_id)
        record = self.records.get(key)
        if record is None:
            record = self.records[key] = ServiceRecord(f"{service}:{rec.provider_record_id}", service, person, btype)
        record.attended |= rec.attended
        found = self.identifier.identify(
            beneficiary_type=btype, service_code=service, provider_record_id=rec.provider_record_id,
            nhs_number=rec.nhs_number, first_name=rec.first_name, date_of_birth=rec.date_of_birth,
            gender=rec.gender, email=rec.email, mobile=rec.mobile, carer_email=rec.primary_carer_email,
            carer_mobile=rec.primary_carer_mobile).current
        record.tokens.update(t for t in found.tokens.values() if t)
        if found.tokens["nhs_number"]:
            record.nhs.add(found.tokens["nhs_number"])
        if found.tokens["child_key"]:
            record.child_keys.add(found.tokens["child_key"])
        record.carers.update(t for t in found.carer_tokens.values() if t)
        keys = self.keys.make(btype, rec.first_name, rec.date_of_birth, rec.primary_carer_email,
                              rec.primary_carer_mobile, rec.postcode)
        for name, token in keys.items():
            if token:
                record.match_keys.setdefault(name, set()).add(token)
        if rec.gender in ("female", "male", "other"):
            record.gender = record.gender or rec.gender
        postcode = canonical(normalise_postcode, rec.postcode)
        if postcode and postcode in self.wards:
            record.ward = record.ward or self.wards[postcode]
        record.ethnicity = record.ethnicity or rec.ethnicity or None
        record.first_language = record.first_language or rec.first_language or None
        self._clear(record, rec)

    @staticmethod
    def _clear(record: ServiceRecord, rec) -> None:
        clear = record.clear
        values = {
            "first_name": name_letters(rec.first_name) if rec.first_name else None,
            "dob": rec.date_of_birth.isoformat() if rec.date_of_birth else None,
            "gender": record.gender, "ward": record.ward,
            "nhs": canonical(normalise_nhs_number, rec.nhs_number),
            "email": canonical(normalise_email, rec.email) if rec.beneficiary_type == "adult" else None,
            "mobile": canonical(normalise_mobile, rec.mobile) if rec.beneficiary_type == "adult" else None,
            "carer_email": canonical(normalise_email, rec.primary_carer_email),
            "carer_mobile": canonical(normalise_mobile, rec.primary_carer_mobile),
        }
        for name, value in values.items():
            if value and not clear.get(name):
                clear[name] = value


def read_folder(folder: Path) -> list[ServiceRecord]:
    """Every accepted row of a `--formats csv` folder, pooled per service record."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    persons = read_person_map(folder)
    reader = _Reader()
    for entry in manifest["files"]:
        if entry["format"] != "csv":
            raise ValueError("linkage quality reads --formats csv folders")
        with (folder / entry["file"]).open(encoding=entry.get("encoding") or "utf-8", newline="") as handle:
            rows = csv.reader(handle)
            try:
                validator = RowValidator(read_header(next(rows)))
            except HeaderProblem:
                continue
            for number, cells in enumerate(rows, start=2):
                rec, _ = validator.validate(number, cells)
                if rec is not None:
                    reader.add(entry["service"], persons[(entry["service"], rec.provider_record_id)], rec)
    return sorted(reader.records.values(), key=lambda r: r.id)
