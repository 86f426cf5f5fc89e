"""Pure rules: one validated record in, one pseudonymised record out, no clear identifier kept."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from leap_contracts.events import CarerTokens, IdentifierTokens, PseudonymisedRecord, ValidatedRecord
from leap_contracts.pseudonymisation import (
    NormalisationFinding,
    Tokeniser,
    name_prefix,
    normalise_email,
    normalise_mobile,
    normalise_nhs_number,
    normalise_postcode,
)

KEY_GENDERS = frozenset({"female", "male", "other"})
"""An 'unknown' gender says nothing about the child, so it cannot be part of its key."""

WardLookup = Mapping[str, tuple[str, str]]
"""Canonical postcode -> (ward code, ward name)."""


def _usable(value: str | None, normalise: Callable[[str], str], findings: list[str]) -> str | None:
    if not value:
        return None
    try:
        return normalise(value)
    except NormalisationFinding as finding:
        findings.append(finding.code)
        return None


def pseudonymise(record: ValidatedRecord, service_code: str, tokeniser: Tokeniser, wards: WardLookup) -> PseudonymisedRecord:
    findings: list[str] = []
    nhs = _usable(record.nhs_number, normalise_nhs_number, findings)
    carer_email = _usable(record.primary_carer_email, normalise_email, findings)
    carer_mobile = _usable(record.primary_carer_mobile, normalise_mobile, findings)
    is_adult = record.beneficiary_type == "adult"
    email = _usable(record.email, normalise_email, findings) if is_adult else None
    mobile = _usable(record.mobile, normalise_mobile, findings) if is_adult else None

    child_key = None
    if record.beneficiary_type == "child":
        prefix = _usable(record.first_name, name_prefix, findings)
        if carer_email and record.date_of_birth and record.gender in KEY_GENDERS and prefix:
            child_key = tokeniser.child_key(carer_email, record.date_of_birth, record.gender, prefix)
        else:
            findings.append("child_key_incomplete")

    ward_code = ward_name = district = None
    postcode = _usable(record.postcode, normalise_postcode, findings)
    if postcode:
        district = postcode.split(" ")[0]
        ward = wards.get(postcode)
        if ward:
            ward_code, ward_name = ward
        else:
            findings.append("postcode_not_in_lookup")

    return PseudonymisedRecord(
        row_number=record.row_number,
        beneficiary_type=record.beneficiary_type,
        tokens=IdentifierTokens(
            nhs_number=tokeniser.nhs_number(nhs) if nhs else None,
            child_key=child_key,
            email=tokeniser.email(email) if email else None,
            mobile=tokeniser.mobile(mobile) if mobile else None,
            provider_record_id=tokeniser.provider_record_id(service_code, record.provider_record_id),
        ),
        carer_tokens=CarerTokens(
            email=tokeniser.email(carer_email) if carer_email and not is_adult else None,
            mobile=tokeniser.mobile(carer_mobile) if carer_mobile and not is_adult else None,
        ),
        birth_month=record.date_of_birth.strftime("%Y-%m") if record.date_of_birth else None,
        gender=record.gender,
        ward_code=ward_code,
        ward_name=ward_name,
        postcode_district=district,
        ethnicity=record.ethnicity,
        first_language=record.first_language,
        engagement_date=record.engagement_date,
        engagement_type=record.engagement_type,
        attended=record.attended,
        findings=findings,
    )
