"""A whole chunk of validated records to RecordsPseudonymisedV1's records, as JSON-ready dicts.

The same values as :func:`leap_pseudonymiser.domain.pseudonymise.pseudonymise` followed by
``model_dump(mode="json")`` (property-tested against it), without building a pydantic model per
record: identifiers go through ``RowIdentifier.tokenise`` (each distinct value normalised and
tokenised once), postcodes are placed once per distinct value, and every value written is one
the model accepts (tokens are hex HMACs, the rest comes from validated records), except a birth
month before the year 1000, which the model refuses: such a chunk takes the reference path, so it
fails exactly as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from leap_contracts.pseudonymisation import NormalisationFinding, RowIdentifier, normalise_postcode

from leap_pseudonymiser.domain.pseudonymise import WardLookup, pseudonymise

MEMO_LIMIT = 100_000


class PostcodePlaces(dict):
    """raw postcode -> (ward code, ward name, district, finding or None), for one ward lookup."""

    def __init__(self, wards: WardLookup) -> None:
        super().__init__()
        self._wards = wards

    def __missing__(self, postcode: str) -> tuple:
        if len(self) >= MEMO_LIMIT:
            self.clear()
        try:
            canonical = normalise_postcode(postcode)
        except NormalisationFinding as finding:
            place = (None, None, None, finding.code)
        else:
            ward = self._wards.get(canonical)
            district = canonical.split(" ")[0]
            place = (None, None, district, "postcode_not_in_lookup") if ward is None else (*ward, district, None)
        self[postcode] = place
        return place


def canonical_postcodes(records: Sequence[Any]) -> set[str]:
    """The chunk's usable postcodes in canonical form (what the ward lookup is asked for)."""
    found = set()
    for postcode in {r.postcode for r in records if r.postcode}:
        try:
            found.add(normalise_postcode(postcode))
        except NormalisationFinding:
            pass
    return found


def pseudonymise_chunk(records: Sequence[Any], service_code: str, identifier: RowIdentifier,
                       wards: WardLookup) -> list[dict]:
    """``records``: ValidatedRecord models or their plain Structs (read by attribute)."""
    if any(r.date_of_birth is not None and r.date_of_birth.year < 1000 for r in records):
        return [pseudonymise(r, service_code, identifier, wards).model_dump(mode="json") for r in records]
    places = PostcodePlaces(wards)
    key_ids = [t.key_id for t in identifier.previous]
    tokenise = identifier.tokenise
    out = []
    for r in records:
        dob = r.date_of_birth
        slots, findings = tokenise(r.beneficiary_type, service_code, r.provider_record_id, r.nhs_number,
                                   r.first_name, dob, r.gender, r.email, r.mobile, r.primary_carer_email,
                                   r.primary_carer_mobile)
        if r.postcode:
            ward_code, ward_name, district, finding = places[r.postcode]
            if finding:
                findings.append(finding)
        else:
            ward_code = ward_name = district = None
        nhs, child, email, mobile, prid, carer_email, carer_mobile = slots
        out.append({
            "row_number": r.row_number,
            "beneficiary_type": r.beneficiary_type,
            "tokens": {"nhs_number": nhs and nhs[0], "child_key": child and child[0], "email": email and email[0],
                       "mobile": mobile and mobile[0], "provider_record_id": prid[0]},
            "carer_tokens": {"email": carer_email and carer_email[0], "mobile": carer_mobile and carer_mobile[0]},
            "birth_month": dob.strftime("%Y-%m") if dob else None,
            "gender": r.gender,
            "ward_code": ward_code,
            "ward_name": ward_name,
            "postcode_district": district,
            "ethnicity": r.ethnicity,
            "first_language": r.first_language,
            "engagement_date": r.engagement_date.isoformat(),
            "engagement_type": r.engagement_type,
            "attended": r.attended,
            "findings": findings,
            "linking_tokens": [_keyed(key_id, slots, index) for index, key_id in enumerate(key_ids, 1)],
        })
    return out


def _keyed(key_id: str, slots: tuple, index: int) -> dict:
    t = [s[index] if s else None for s in slots]
    return {"key_id": key_id,
            "tokens": {"nhs_number": t[0], "child_key": t[1], "email": t[2], "mobile": t[3],
                       "provider_record_id": t[4]},
            "carer_tokens": {"email": t[5], "mobile": t[6]}}
