"""Pure rules: one validated record in, one pseudonymised record out, no clear identifier kept."""

from __future__ import annotations

from collections.abc import Mapping

from leap_contracts.events import (
    CarerTokens,
    IdentifierTokens,
    KeyedTokens,
    MatchKeyTokens,
    PseudonymisedRecord,
    ValidatedRecord,
)
from leap_contracts.pseudonymisation import NormalisationFinding, RowIdentifier, Tokeniser, normalise_postcode
from leap_contracts.pseudonymisation.identify import KEY_GENDERS  # noqa: F401  (re-exported for callers)
from leap_contracts.pseudonymisation.match_keys import MatchKeyMaker

WardLookup = Mapping[str, tuple[str, str]]
"""Canonical postcode -> (ward code, ward name)."""


def place(postcode: str | None, wards: WardLookup, findings: list[str]) -> tuple[str | None, str | None, str | None]:
    """(ward code, ward name, postcode district) of a raw postcode; the postcode itself goes no further."""
    if not postcode:
        return None, None, None
    try:
        canonical = normalise_postcode(postcode)
    except NormalisationFinding as finding:
        findings.append(finding.code)
        return None, None, None
    ward = wards.get(canonical)
    if ward is None:
        findings.append("postcode_not_in_lookup")
        return None, None, canonical.split(" ")[0]
    return ward[0], ward[1], canonical.split(" ")[0]


def pseudonymise(record: ValidatedRecord, service_code: str, identifier: RowIdentifier | Tokeniser,
                 wards: WardLookup, *, match_keys: bool = True) -> PseudonymisedRecord:
    """``match_keys``: also the row's match keys (spec §3a), under every key; off, the record carries none."""
    if isinstance(identifier, Tokeniser):
        identifier = RowIdentifier(identifier)
    found = identifier.identify(
        beneficiary_type=record.beneficiary_type, service_code=service_code,
        provider_record_id=record.provider_record_id, nhs_number=record.nhs_number,
        first_name=record.first_name, date_of_birth=record.date_of_birth, gender=record.gender,
        email=record.email, mobile=record.mobile,
        carer_email=record.primary_carer_email, carer_mobile=record.primary_carer_mobile,
    )
    findings = found.findings
    ward_code, ward_name, district = place(record.postcode, wards, findings)
    return PseudonymisedRecord(
        row_number=record.row_number,
        beneficiary_type=record.beneficiary_type,
        tokens=IdentifierTokens(**found.current.tokens),
        carer_tokens=CarerTokens(**found.current.carer_tokens),
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
        outcome=getattr(record, "outcome", None),
        match_keys=_match_keys(identifier.current, record) if match_keys else None,
        linking_tokens=[
            KeyedTokens(key_id=t.key_id, tokens=IdentifierTokens(**t.tokens), carer_tokens=CarerTokens(**t.carer_tokens),
                        match_keys=_match_keys(previous, record) if match_keys else None)
            for t, previous in zip(found.linking, identifier.previous, strict=True)
        ],
    )


def _match_keys(tokeniser: Tokeniser, record: ValidatedRecord) -> MatchKeyTokens:
    return MatchKeyTokens(**MatchKeyMaker(tokeniser).make(record.beneficiary_type, record.first_name,
                                                          record.date_of_birth, record.primary_carer_email,
                                                          record.primary_carer_mobile, record.postcode))
