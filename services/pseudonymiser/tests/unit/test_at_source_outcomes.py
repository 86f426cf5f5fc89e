"""The at-source tool on an outcome extract: the same tokens as the platform makes at destination, the
measurement kept, clear identifiers gone, and a file the uploader's at-source rules accept as outcomes."""

import csv
from pathlib import Path

from leap_contracts.dataset.at_source import AtSourceRowValidator, check_manifest, read_at_source_header
from leap_contracts.outcomes import OutcomeRowValidator, read_outcome_header
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser
from leap_pseudonymiser.at_source.run import pseudonymise_file
from leap_pseudonymiser.domain.pseudonymise import pseudonymise

TOKENISER = Tokeniser(bytes(range(32)), "test-1")
WARDS = {"SW9 7AB": ("E05000425", "Stockwell")}
HEADER = ["provider_record_id", "nhs_number", "first_name", "last_name", "date_of_birth", "gender",
          "primary_carer_email", "postcode", "measure", "measured_on", "result"]
ROWS = [["HV1", "943 476 5919", "Zoë", "Kowalczyk", "02/03/2022", "F", " Mum@Family.org.uk ", "sw97ab",
         "asq3_communication", "2024-05-01", "Yes"],
        ["HV2", "", "Sam", "Kowalczyk", "2022-03-02", "M", "", "", "asq3_communication", "2024-05-01", "maybe"]]


def test_an_outcome_extract_is_pseudonymised_at_source_as_at_destination(tmp_path: Path):
    source = tmp_path / "hv.csv"
    with source.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *ROWS])
    out = tmp_path / "hv-pseudonymised.csv"
    summary = pseudonymise_file(source, out, tokeniser=TOKENISER, service_code="HV", wards=WARDS, dataset="outcomes")
    assert (summary.rows_read, summary.rows_written) == (2, 1)
    assert summary.errors == {("result", "invalid_value"): 1}
    text = out.read_text(encoding="utf-8")
    for clear in ("943", "Zoë", "Kowalczyk", "mum@family", "SW9 7AB", "HV1", "2022-03-02"):
        assert clear.lower() not in text.lower()
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = read_at_source_header(rows[0])
    at_source, problems = AtSourceRowValidator(header, dataset="outcomes", source="HV").validate(2, rows[1])
    assert problems == [] and at_source.outcome.measure == "asq3_communication" and at_source.outcome.positive

    clear_record, _ = OutcomeRowValidator(read_outcome_header(HEADER), "HV").validate(2, ROWS[0])
    at_destination = pseudonymise(clear_record, "HV", RowIdentifier(TOKENISER), WARDS)
    assert at_source.tokens == at_destination.tokens and at_source.carer_tokens == at_destination.carer_tokens
    assert at_source.tokens.nhs_number and at_source.tokens.child_key
    assert (at_source.birth_month, at_source.ward_code) == (at_destination.birth_month, at_destination.ward_code)
    assert check_manifest(summary.manifest, sha256=summary.manifest.sha256, row_count=1, service_code="HV") == []
