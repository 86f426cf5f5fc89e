"""A whole chunk of validated records to RecordsPseudonymisedV1's records, as JSON-ready dicts.

The same values as :func:`leap_pseudonymiser.domain.pseudonymise.pseudonymise` followed by
``model_dump(mode="json")`` (property-tested against it), without building a pydantic model per
record: identifiers are read from ``TokenMemos`` by ``RowIdentifier.tokenise``'s rules (each
distinct value normalised and tokenised once), postcodes are placed once per distinct value, and
every value written is one the model accepts (tokens are hex HMACs, the rest comes from validated
records), except a birth month before the year 1000, which the model refuses: such a chunk takes
the reference path, so it fails exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol, TypeVar, overload

from leap_contracts.pseudonymisation import NormalisationFinding, RowIdentifier, normalise_postcode
from leap_contracts.pseudonymisation.identify import KEY_GENDERS, TokenisedValue, Tokens

from leap_pseudonymiser.domain.pseudonymise import WardLookup, pseudonymise
from leap_pseudonymiser.domain.token_memos import TokenMemos

MEMO_LIMIT = 100_000

Place = tuple[str | None, str | None, str | None, str | None]
"""(ward code, ward name, postcode district, finding or None) of a raw postcode."""
_MatchKeys = Callable[[str, str | None, date | None, str | None, str | None, str | None], dict[str, str | None] | None]
"""A row's match keys from (beneficiary type, first name, date of birth, carer e-mail, carer mobile, postcode)."""
_T = TypeVar("_T")


class PostcodePlaces(dict[str, Place]):
    """raw postcode -> (ward code, ward name, district, finding or None), for one ward lookup."""

    def __init__(self, wards: WardLookup) -> None:
        super().__init__()
        self._wards = wards

    def __missing__(self, postcode: str) -> Place:
        if len(self) >= MEMO_LIMIT:
            self.clear()
        place: Place
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


def pseudonymise_chunk(records: Sequence[Any], service_code: str, memos: TokenMemos, identifier: RowIdentifier,
                       wards: WardLookup) -> list[dict[str, Any]]:
    """``records``: ValidatedRecord models or their plain Structs (read by attribute). ``memos`` and
    ``identifier`` hold the same keys (``identifier`` serves the reference path)."""
    if any(r.date_of_birth is not None and r.date_of_birth.year < 1000 for r in records):
        return [pseudonymise(r, service_code, identifier, wards, match_keys=memos.match_keys is not None)
                .model_dump(mode="json") for r in records]
    places = PostcodePlaces(wards)
    months = _Months()
    nhs_memo, email_memo, mobile_memo = memos.nhs_number, memos.email, memos.mobile
    prefix_memo, child_memo, prid_memo = memos.name_prefix, memos.child_key, memos.provider_record_id
    key_ids = memos.key_ids
    match_keys = memos.match_keys.make if memos.match_keys is not None else _no_match_keys
    previous_keys: list[_MatchKeys] = [m.make for m in memos.previous_match_keys] or [_no_match_keys] * len(key_ids)
    out = []
    # each of a row's identifiers holds the memo's answer, then only its tokens (`nhs = nhs and nhs[1]`...)
    nhs: TokenisedValue | Tokens | None
    email: TokenisedValue | Tokens | None
    mobile: TokenisedValue | Tokens | None
    carer_email: TokenisedValue | Tokens | None
    carer_mobile: TokenisedValue | Tokens | None
    for r in records:
        # RowIdentifier.tokenise's rules, in its order (so the findings come in the same order)
        findings: list[str] = []
        nhs = _usable(nhs_memo, r.nhs_number, findings)
        carer_email = _usable(email_memo, r.primary_carer_email, findings)
        carer_mobile = _usable(mobile_memo, r.primary_carer_mobile, findings)
        email = mobile = child = None
        dob, gender = r.date_of_birth, r.gender
        if r.beneficiary_type == "adult":
            email = _usable(email_memo, r.email, findings)
            mobile = _usable(mobile_memo, r.mobile, findings)
            carer_email = carer_mobile = None
        else:
            prefix = _usable(prefix_memo, r.first_name, findings)
            if carer_email and dob and gender in KEY_GENDERS and prefix:
                child = child_memo[(carer_email[0], dob, gender, prefix[0])]
            else:
                findings.append("child_key_incomplete")
        prid = prid_memo[(service_code, r.provider_record_id)]
        if r.postcode:
            ward_code, ward_name, district, finding = places[r.postcode]
            if finding:
                findings.append(finding)
        else:
            ward_code = ward_name = district = None
        nhs, email, mobile = nhs and nhs[1], email and email[1], mobile and mobile[1]
        carer_email, carer_mobile = carer_email and carer_email[1], carer_mobile and carer_mobile[1]
        out.append({
            "row_number": r.row_number,
            "beneficiary_type": r.beneficiary_type,
            "tokens": {"nhs_number": nhs and nhs[0], "child_key": child and child[0], "email": email and email[0],
                       "mobile": mobile and mobile[0], "provider_record_id": prid[0]},
            "carer_tokens": {"email": carer_email and carer_email[0], "mobile": carer_mobile and carer_mobile[0]},
            "birth_month": months[dob] if dob else None,
            "gender": gender,
            "ward_code": ward_code,
            "ward_name": ward_name,
            "postcode_district": district,
            "ethnicity": r.ethnicity,
            "first_language": r.first_language,
            "engagement_date": r.engagement_date.isoformat(),
            "engagement_type": r.engagement_type,
            "attended": r.attended,
            "findings": findings,
            "linking_tokens": [
                {**_keyed(key_id, (nhs, child, email, mobile, prid, carer_email, carer_mobile), index),
                 "match_keys": previous_keys[index - 1](r.beneficiary_type, r.first_name, dob,
                                                        r.primary_carer_email, r.primary_carer_mobile, r.postcode)}
                for index, key_id in enumerate(key_ids, 1)] if key_ids else [],
            "outcome": _outcome(r.outcome),
            "match_keys": match_keys(r.beneficiary_type, r.first_name, dob, r.primary_carer_email,
                                     r.primary_carer_mobile, r.postcode),
        })
    return out


def _no_match_keys(*_row: object) -> None:
    """Match keys when the service makes none (``TokenMemos(match_keys=False)``)."""
    return None


class _Measurement(Protocol):
    """An outcome record's measurement: an OutcomeValue model or its plain Struct."""

    @property
    def measure(self) -> str: ...
    @property
    def measured_on(self) -> date: ...
    @property
    def result(self) -> str: ...
    @property
    def positive(self) -> bool: ...


def _outcome(o: _Measurement | None) -> dict[str, str | bool] | None:
    """An outcome record's measurement (model or plain Struct) as JSON; None for a contact."""
    if o is None:
        return None
    return {"measure": o.measure, "measured_on": o.measured_on.isoformat(), "result": o.result,
            "positive": o.positive}


@overload
def _usable(memo: Mapping[str, str], raw: str | None, findings: list[str]) -> None: ...
@overload
def _usable(memo: Mapping[str, _T | str], raw: str | None, findings: list[str]) -> _T | None: ...
def _usable(memo: Mapping[str, object], raw: str | None, findings: list[str]) -> object:
    """The memo's answer for a raw value; None (noting the finding) when unusable, None when absent.

    Typed by overloads rather than a cast: mypy cannot tell from the class test that the answer returned
    is not a finding code (a str), and a cast would be a call for each identifier of each row."""
    if not raw:
        return None
    known = memo[raw]
    if known.__class__ is str:
        findings.append(known)
        return None
    return known


class _Months(dict[date, str]):
    def __missing__(self, dob: date) -> str:
        month = self[dob] = dob.strftime("%Y-%m")
        return month


def _keyed(key_id: str, slots: tuple[Tokens | None, ...], index: int) -> dict[str, Any]:
    t = [s[index] if s else None for s in slots]
    return {"key_id": key_id,
            "tokens": {"nhs_number": t[0], "child_key": t[1], "email": t[2], "mobile": t[3],
                       "provider_record_id": t[4]},
            "carer_tokens": {"email": t[5], "mobile": t[6]}}
