"""The at-source tool's row maker gives every shared match-key vector, so tokens made at source and at
destination agree."""

import json

from leap_contracts.dataset.at_source import AT_SOURCE_COLUMNS
from leap_contracts.dataset.columns import read_header
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser, make_vectors
from leap_contracts.pseudonymisation.match_keys import MATCH_KEYS, MatchKeyMaker
from leap_pseudonymiser.at_source.rows import AtSourceRowMaker

VECTORS = json.loads(make_vectors.VECTORS.read_text(encoding="utf-8"))
TOKENISER = Tokeniser(bytes.fromhex(VECTORS["test_key"]["hex"]), VECTORS["test_key"]["key_id"])
HEADER = ["provider_record_id", "beneficiary_type", "first_name", "date_of_birth", "gender", "primary_carer_email",
          "primary_carer_mobile", "engagement_date", "postcode"]


def test_row_maker_gives_every_match_key_vector():
    maker = AtSourceRowMaker(read_header(HEADER), "CAN", RowIdentifier(TOKENISER), {}, MatchKeyMaker(TOKENISER))
    checked = 0
    for case in VECTORS["cases"]:
        if case["kind"] != "match_keys":
            continue
        v = case["input"]
        gender = "f" if v["beneficiary_type"] == "child" else ""
        cells, errors, _ = maker.make(2, ["R1", v["beneficiary_type"], v["first_name"], v["date_of_birth"], gender,
                                          v["carer_email"], v["carer_mobile"], "2024-05-01", v["postcode"]])
        if cells is None:  # a child row without a usable name or date of birth is rejected at source
            assert errors and v["beneficiary_type"] == "child"
            continue
        keys = dict(zip(MATCH_KEYS, cells[len(AT_SOURCE_COLUMNS):], strict=True))
        assert keys == {k: t or "" for k, t in case["tokens"].items()}, case
        checked += 1
    assert checked >= 10


def test_without_a_key_maker_the_file_layout_is_unchanged():
    maker = AtSourceRowMaker(read_header(HEADER), "CAN", RowIdentifier(TOKENISER), {})
    cells, _, _ = maker.make(2, ["R1", "child", "Zoë", "2022-03-02", "F", "mum@family.org.uk", "", "2024-05-01", ""])
    assert len(cells) == len(AT_SOURCE_COLUMNS)


def test_the_tools_file_carries_match_keys_the_uploader_rules_read_back(tmp_path):
    import csv

    from leap_contracts.dataset.at_source import AtSourceRowValidator, read_at_source_header
    from leap_contracts.pseudonymisation.reference import reference_match_keys
    from leap_pseudonymiser.at_source.run import pseudonymise_file

    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, ["R1", "child", "Oilvia", "11/03/2022", "F", "mum@family.org.uk", "",
                                          "2024-05-01", "SW9 7AB"]])
    pseudonymise_file(source, tmp_path / "out.csv", tokeniser=TOKENISER, service_code="CAN", wards={})
    rows = list(csv.reader((tmp_path / "out.csv").open(encoding="utf-8")))
    validator = AtSourceRowValidator(read_at_source_header(rows[0]))
    record, problems = validator.validate(2, rows[1])
    assert problems == [] and record is not None
    want = reference_match_keys(bytes.fromhex(VECTORS["test_key"]["hex"]), "child", "Oilvia", "11/03/2022",
                                "mum@family.org.uk", "", "SW9 7AB")
    assert record.match_keys.model_dump() == want and want["mk_name_dob"]


def test_files_without_match_key_columns_still_read_and_bad_tokens_are_refused():
    from leap_contracts.dataset.at_source import MATCH_KEY_COLUMNS, AtSourceRowValidator, read_at_source_header
    old = ["provider_record_token", "beneficiary_type", "engagement_date"]
    record, problems = AtSourceRowValidator(read_at_source_header(old)).validate(2, ["a" * 64, "adult", "2024-05-01"])
    assert problems == [] and record.match_keys is None
    header = [*old, MATCH_KEY_COLUMNS[0]]
    record, problems = AtSourceRowValidator(read_at_source_header(header)).validate(
        2, ["a" * 64, "adult", "2024-05-01", "not-a-token"])
    assert record is None and [(p.column, p.code) for p in problems] == [(MATCH_KEY_COLUMNS[0], "invalid_token")]
