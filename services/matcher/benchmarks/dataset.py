"""Benchmark input: the generator's canonical rows, pseudonymised with the platform's reference code,
grouped into one upload per service and chunks of ``topics.CHUNK_SIZE`` records, as the pseudonymiser
would publish them. Also the generator's own count of unique beneficiaries (its truth)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from leap_contracts.events import CarerTokens, IdentifierTokens, PseudonymisedRecord, RecordsPseudonymisedV1
from leap_contracts.pseudonymisation import (
    NormalisationFinding,
    Tokeniser,
    name_prefix,
    normalise_email,
    normalise_mobile,
    normalise_nhs_number,
)
from leap_contracts.topics import CHUNK_SIZE
from leap_tools.generator.contacts import family_rows
from leap_tools.generator.layout import plan_layouts
from leap_tools.generator.linkage import components
from leap_tools.generator.places import load_postcodes
from leap_tools.generator.population import Sequences, make_family
from leap_tools.generator.quality import inject_defects

TOKENISER = Tokeniser(b"benchmark-key-benchmark-key-benchmark-key!", "bench")
KEY_GENDERS = {"female", "male", "other"}


def _usable(value: str | None, normalise: Callable[[str], str]) -> str | None:
    if not value:
        return None
    try:
        return normalise(value)
    except NormalisationFinding:
        return None


def pseudonymise(row, row_number: int) -> PseudonymisedRecord:
    t, adult = TOKENISER, row.kind == "adult"
    nhs = _usable(row.nhs, normalise_nhs_number)
    carer_email, carer_mobile = _usable(row.carer_email, normalise_email), _usable(row.carer_mobile, normalise_mobile)
    email = _usable(row.email, normalise_email) if adult else None
    mobile = _usable(row.mobile, normalise_mobile) if adult else None
    prefix = _usable(row.first_name, name_prefix) if not adult else None
    child_key = (t.child_key(carer_email, row.dob, row.gender, prefix)
                 if not adult and carer_email and row.dob and row.gender in KEY_GENDERS and prefix else None)
    return PseudonymisedRecord(
        row_number=row_number, beneficiary_type=row.kind,
        tokens=IdentifierTokens(nhs_number=t.nhs_number(nhs) if nhs else None, child_key=child_key,
                                email=t.email(email) if email else None, mobile=t.mobile(mobile) if mobile else None,
                                provider_record_id=t.provider_record_id(row.service, row.prid)),
        carer_tokens=CarerTokens(email=t.email(carer_email) if carer_email and not adult else None,
                                 mobile=t.mobile(carer_mobile) if carer_mobile and not adult else None),
        birth_month=row.dob.strftime("%Y-%m") if row.dob else None, gender=row.gender,
        ethnicity=row.ethnicity, first_language=row.language, engagement_date=row.date,
        engagement_type=row.engagement_type, attended=True if row.attended is None else row.attended)


@dataclass
class Dataset:
    chunks: list[RecordsPseudonymisedV1] = field(default_factory=list)
    unique_beneficiaries: int = 0
    rows: int = 0


def build(rows: int, seed: int = 1, provider_id: str = "bench") -> Dataset:
    """Accepted rows only (the generator's bad rows are rejected before the matcher)."""
    postcodes, layouts = load_postcodes(), plan_layouts(seed, "csv", rows)
    rng, seqs = random.Random(f"population:{seed}"), Sequences()
    by_service: dict[str, list] = {}
    data, written = Dataset(), 0
    while written < rows:
        batch = family_rows(rng, seqs, make_family(rng, seqs, postcodes), layouts)
        inject_defects(rng, batch, 0.01)
        del batch[rows - written:]
        written += len(batch)
        good = [r for r in batch if r.defect is None]
        data.unique_beneficiaries += len(components(good))
        for r in good:
            by_service.setdefault(r.service, []).append(r)
    for service, service_rows in sorted(by_service.items()):
        upload = uuid.uuid5(uuid.NAMESPACE_URL, f"bench:{seed}:{rows}:{service}")
        records = [pseudonymise(r, n + 2) for n, r in enumerate(service_rows)]
        data.rows += len(records)
        for i, start in enumerate(range(0, len(records), CHUNK_SIZE)):
            data.chunks.append(RecordsPseudonymisedV1(
                upload_id=upload, provider_id=provider_id, service_code=service, chunk_index=i, spec_version="1",
                key_id="bench", records=records[start:start + CHUNK_SIZE]))
    return data
