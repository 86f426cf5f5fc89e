"""Pure: one provider row (standard dataset) in, one at-source row out, never a clear identifier.

The row rules are the standard dataset's (``leap_contracts.dataset.rules``):
a row that breaks one is not written and is reported with its row and column;
unusable identifiers are kept out of the tokens and counted as findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from leap_contracts.dataset.at_source import AT_SOURCE_COLUMNS, looks_identifying
from leap_contracts.dataset.columns import Header
from leap_contracts.dataset.rules import _ATTENDED, _BENEFICIARY_TYPES, parse_date
from leap_contracts.pseudonymisation import NormalisationFinding, RowIdentifier, normalise_gender, normalise_postcode
from leap_contracts.pseudonymisation.match_keys import MATCH_KEYS, MatchKeyMaker

WardTable = Mapping[str, tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    code: str


_READ = ("provider_record_id", "beneficiary_type", "nhs_number", "first_name", "date_of_birth", "gender",
         "email", "mobile", "primary_carer_email", "primary_carer_mobile", "postcode", "ethnicity",
         "first_language", "engagement_date", "engagement_type", "attended")


class AtSourceRowMaker:
    """Turns the rows of one provider file into at-source rows (cells in AT_SOURCE_COLUMNS order)."""

    def __init__(self, header: Header, service_code: str, identifier: RowIdentifier, wards: WardTable,
                 match_keys: MatchKeyMaker | None = None) -> None:
        """With ``match_keys``, every row also gets its match keys (spec §3a), appended in MATCH_KEYS order
        (the file's MATCH_KEY_COLUMNS)."""
        self._match_keys = match_keys
        self._indices = tuple(header.positions.get(c, -1) for c in _READ)
        self._width = max(self._indices) + 1
        self._service = service_code
        self._identifier = identifier
        self._wards = wards
        self._places: dict[str, tuple[str, str, str, str | None]] = {}
        self._dates: dict[str, tuple | None] = {}
        self._genders: dict[str, str | None] = {}
        self._free: dict[str, bool] = {}

    def _values(self, cells: list[str]) -> list[str]:
        if len(cells) >= self._width:
            return [cells[i].strip() if i >= 0 else "" for i in self._indices]
        n = len(cells)
        return [cells[i].strip() if 0 <= i < n else "" for i in self._indices]

    def make(self, row_number: int, cells: list[str]) -> tuple[list[str] | None, list[Problem], list[str]]:
        """(at-source cells or None when the row is rejected, row errors, findings)."""
        (prid, btype_text, nhs, first_name, dob_text, gender_text, email, mobile, c_email, c_mobile,
         postcode, ethnicity, language, engagement_text, engagement_type, attended_text) = self._values(cells)
        btype = _BENEFICIARY_TYPES.get(btype_text.lower())
        engagement = self._date(engagement_text)
        dob = self._date(dob_text) if dob_text else None
        gender = self._gender(gender_text) if gender_text else None
        attended = _ATTENDED.get(attended_text.lower())
        child = btype == "child"
        if (not prid or len(prid) > 64 or btype is None or engagement is None or (dob_text and dob is None)
                or (gender_text and gender is None) or attended is None
                or (child and (not dob_text or not gender_text or not first_name))):
            return None, self._errors(row_number, prid, btype, engagement_text, engagement, dob_text, dob,
                                      gender_text, gender, first_name, attended), []

        slots, findings = self._identifier.tokenise(btype, self._service, prid, nhs, first_name,
                                                    dob[0] if dob else None, gender, email, mobile, c_email, c_mobile)
        ward_code, ward_name, district, place_finding = self._place(postcode) if postcode else ("", "", "", None)
        if place_finding:
            findings.append(place_finding)
        if ethnicity and self._identifying(ethnicity):
            findings.append("ethnicity_looks_identifying")
            ethnicity = ""
        if language and self._identifying(language):
            findings.append("first_language_looks_identifying")
            language = ""
        if engagement_type and self._identifying(engagement_type):
            findings.append("engagement_type_looks_identifying")
            engagement_type = ""
        nhs_t, child_t, email_t, mobile_t, prid_t, c_email_t, c_mobile_t = slots
        keys = []
        if self._match_keys is not None:
            made = self._match_keys.make(btype, first_name, dob[0] if dob else None, c_email, c_mobile, postcode)
            keys = [made[k] or "" for k in MATCH_KEYS]
        return [
            prid_t[0], btype, nhs_t[0] if nhs_t else "", child_t[0] if child_t else "",
            email_t[0] if email_t else "", mobile_t[0] if mobile_t else "",
            c_email_t[0] if c_email_t else "", c_mobile_t[0] if c_mobile_t else "",
            dob[2] if dob else "", gender or "", ward_code, ward_name, district,
            ethnicity, language, engagement[1], engagement_type,
            "true" if attended else "false", ";".join(findings), *keys,
        ], [], findings

    def _errors(self, row, prid, btype, engagement_text, engagement, dob_text, dob, gender_text, gender,
                first_name, attended) -> list[Problem]:
        errors = []
        if not prid or len(prid) > 64:
            errors.append(Problem(row, "provider_record_id", "missing_value" if not prid else "too_long"))
        if btype is None:
            errors.append(Problem(row, "beneficiary_type", "invalid_value"))
        if engagement is None:
            errors.append(Problem(row, "engagement_date", "invalid_date" if engagement_text else "missing_value"))
        if dob_text and dob is None:
            errors.append(Problem(row, "date_of_birth", "invalid_date"))
        elif btype == "child" and not dob_text:
            errors.append(Problem(row, "date_of_birth", "missing_value"))
        if gender_text and gender is None:
            errors.append(Problem(row, "gender", "gender_invalid"))
        elif btype == "child" and not gender_text:
            errors.append(Problem(row, "gender", "missing_value"))
        if btype == "child" and not first_name:
            errors.append(Problem(row, "first_name", "missing_value"))
        if attended is None:
            errors.append(Problem(row, "attended", "invalid_value"))
        return errors

    def _date(self, text: str) -> tuple | None:
        """(date, ISO text, YYYY-MM) of a raw date, memoised; None when not a date."""
        if text in self._dates:
            return self._dates[text]
        try:
            parsed = parse_date(text)
            known = (parsed, parsed.isoformat(), parsed.isoformat()[:7])
        except ValueError:
            known = None
        if len(self._dates) > 100_000:
            self._dates.clear()
        self._dates[text] = known
        return known

    def _identifying(self, text: str) -> bool:
        known = self._free.get(text)
        if known is None:
            known = looks_identifying(text)
            if len(self._free) > 100_000:
                self._free.clear()
            self._free[text] = known
        return known

    def _gender(self, text: str) -> str | None:
        if text not in self._genders:
            try:
                self._genders[text] = normalise_gender(text)
            except NormalisationFinding:
                self._genders[text] = None
        return self._genders[text]

    def _place(self, postcode: str) -> tuple[str, str, str, str | None]:
        """(ward code, ward name, district, finding) of a raw postcode, memoised."""
        if not postcode:
            return "", "", "", None
        place = self._places.get(postcode)
        if place is None:
            try:
                canonical = normalise_postcode(postcode)
                ward = self._wards.get(canonical)
                district = canonical.split(" ")[0]
                place = (*ward, district, None) if ward else ("", "", district, "postcode_not_in_lookup")
            except NormalisationFinding as finding:
                place = ("", "", "", finding.code)
            if len(self._places) > 100_000:
                self._places.clear()
            self._places[postcode] = place
        return place



assert len(AT_SOURCE_COLUMNS) == 19  # the list in make() follows AT_SOURCE_COLUMNS' order
