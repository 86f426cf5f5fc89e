"""Outcome records keep their measurement through pseudonymisation (fast path = reference path)."""

from __future__ import annotations

from datetime import date

from leap_contracts.events import OutcomeValue, ValidatedRecord
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser

from leap_pseudonymiser.domain.pseudonymise import pseudonymise
from leap_pseudonymiser.domain.pseudonymise_chunk import pseudonymise_chunk
from leap_pseudonymiser.domain.token_memos import TokenMemos

KEY = Tokeniser(b"k" * 32, "k1")
WARDS = {"SW9 7AB": ("E05014112", "Stockwell")}


def test_an_outcome_record_is_pseudonymised_with_its_measurement():
    outcome = OutcomeValue(measure="eyfsp_gld", measured_on=date(2025, 6, 30), result="yes", positive=True)
    record = ValidatedRecord(row_number=2, provider_record_id="EDU1", beneficiary_type="child", first_name="Zoë",
                             nhs_number="9434765919", date_of_birth=date(2019, 10, 2), gender="female",
                             primary_carer_email="mum@family.org.uk", postcode="sw97ab",
                             engagement_date=date(2025, 6, 30), outcome=outcome)
    identifier = RowIdentifier(KEY)
    fast = pseudonymise_chunk([record], "EDU", TokenMemos(KEY), identifier, WARDS)
    reference = pseudonymise(record, "EDU", identifier, WARDS).model_dump(mode="json")
    assert fast == [reference]
    assert fast[0]["outcome"] == {"measure": "eyfsp_gld", "measured_on": "2025-06-30", "result": "yes",
                                  "positive": True}
    assert fast[0]["tokens"]["nhs_number"] and fast[0]["tokens"]["child_key"]
