"""Pure: one row of an outcome extract (docs/outcomes-dataset.md) in, one at-source row out, never a clear
identifier. The row rules are the outcomes dataset's (``leap_contracts.outcomes``); the tokens are made exactly
as for a child row of a service file, so outcome records link to the same individuals."""

from __future__ import annotations

from leap_contracts.dataset.at_source import AT_SOURCE_COLUMNS, OUTCOME_COLUMNS, looks_identifying
from leap_contracts.outcomes import OutcomeRowValidator
from leap_contracts.outcomes.columns import OutcomeHeader
from leap_contracts.pseudonymisation import NormalisationFinding, RowIdentifier, normalise_postcode

from leap_pseudonymiser.at_source.rows import Problem, WardTable

COLUMNS = (*AT_SOURCE_COLUMNS, *OUTCOME_COLUMNS)
"""What the tool writes for an outcome extract."""


class OutcomeAtSourceRowMaker:
    """Turns the rows of one outcome extract of ``source`` into at-source rows (cells in COLUMNS order)."""

    def __init__(self, header: OutcomeHeader, source: str, identifier: RowIdentifier, wards: WardTable) -> None:
        self._validator = OutcomeRowValidator(header, source)
        self._source, self._identifier, self._wards = source, identifier, wards

    def make(self, row_number: int, cells: list[str]) -> tuple[list[str] | None, list[Problem], list[str]]:
        """(at-source cells or None when the row is rejected, row errors, findings)."""
        record, problems = self._validator.validate(row_number, cells)
        if record is None:
            return None, [Problem(p.row, p.column or "", p.code) for p in problems if p.severity == "error"], []
        r, o = record, record.outcome
        slots, findings = self._identifier.tokenise("child", self._source, r.provider_record_id, r.nhs_number,
                                                    r.first_name, r.date_of_birth, r.gender, None, None,
                                                    r.primary_carer_email, r.primary_carer_mobile)
        ward_code, ward_name, district = "", "", ""
        if r.postcode:
            try:
                canonical = normalise_postcode(r.postcode)
                district = canonical.split(" ")[0]
                ward = self._wards.get(canonical)
                if ward:
                    ward_code, ward_name = ward
                else:
                    findings.append("postcode_not_in_lookup")
            except NormalisationFinding as finding:
                findings.append(finding.code)
        if looks_identifying(ward_name):
            ward_name = ""
        nhs_t, child_t, _email_t, _mobile_t, prid_t, c_email_t, c_mobile_t = slots
        return [
            prid_t[0], "child", nhs_t[0] if nhs_t else "", child_t[0] if child_t else "", "", "",
            c_email_t[0] if c_email_t else "", c_mobile_t[0] if c_mobile_t else "",
            r.date_of_birth.strftime("%Y-%m") if r.date_of_birth else "", r.gender or "", ward_code, ward_name,
            district, "", "", o.measured_on.isoformat(), "", "true", ";".join(findings), o.measure, o.result,
        ], [], findings
