"""The at-source tool: CSV/XLSX in, tokens and non-identifying fields out, a manifest the uploader can check."""

import csv
import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from leap_contracts.dataset.at_source import (
    AtSourceManifest,
    AtSourceRowValidator,
    check_manifest,
    read_at_source_header,
)
from leap_contracts.events import ValidatedRecord
from leap_contracts.pseudonymisation import Tokeniser
from leap_contracts.pseudonymisation.reference import AGREED_ALPHABETS
from leap_pseudonymiser.at_source.cli import app
from leap_pseudonymiser.at_source.run import pseudonymise_file
from leap_pseudonymiser.domain.pseudonymise import pseudonymise

KEY = bytes(range(32))
TOKENISER = Tokeniser(KEY, "test-1")
WARDS = {"SW9 7AB": ("E05000425", "Stockwell")}
ONSPD = Path(__file__).resolve().parents[4] / "deploy" / "reference" / "onspd-demo.csv"
HEADER = ["provider_record_id", "beneficiary_type", "nhs_number", "first_name", "last_name", "date_of_birth", "gender",
          "email", "mobile", "primary_carer_email", "primary_carer_mobile", "postcode", "ethnicity", "engagement_date",
          "attended", "Notes"]
CHILD = ["C1", "child", "943 476 5919", "Zoë", "Kowalczyk", "02/03/2022", "F", "", "", " Mum@Family.org.uk ",
         "07700 900123", "sw97ab", "White: Polish", "2024-05-01", "yes", "call mum on 07700900123"]
ADULT = ["A1", "parent", "", "", "Kowalczyk", "", "", "anna.k@home.net", "+44 7700 900124", "", "", "SE5 0AA", "",
         "01/05/2024", "", ""]
CLEAR = ["943 476 5919", "9434765919", "Zoë", "Kowalczyk", "02/03/2022", "2022-03-02", "mum@family.org.uk",
         "07700 900123", "7700900123", "sw97ab", "SW9 7AB", "anna.k@home.net", "7700 900124", "SE5 0AA", "C1"]


def write_csv(path: Path, rows, encoding="utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows(rows)
    return path


def run(tmp_path, rows, encoding="utf-8"):
    source = write_csv(tmp_path / "in.csv", rows, encoding)
    out = tmp_path / "out.csv"
    summary = pseudonymise_file(source, out, tokeniser=TOKENISER, service_code="CAN", wards=WARDS)
    return summary, out, list(csv.reader(out.open(encoding="utf-8")))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_file_is_pseudonymised_and_uploader_rules_accept_it(tmp_path, encoding):
    summary, out, rows = run(tmp_path, [HEADER, CHILD, ADULT], encoding)
    validator = AtSourceRowValidator(read_at_source_header(rows[0]))
    child, problems = validator.validate(2, rows[1])
    assert problems == [] and child is not None
    expected = pseudonymise(ValidatedRecord(
        row_number=2, provider_record_id="C1", beneficiary_type="child", nhs_number="943 476 5919", first_name="Zoë",
        date_of_birth=date(2022, 3, 2), gender="female", primary_carer_email="Mum@Family.org.uk",
        primary_carer_mobile="07700 900123", postcode="sw97ab", ethnicity="White: Polish",
        engagement_date=date(2024, 5, 1)), "CAN", TOKENISER, WARDS)
    assert child.tokens == expected.tokens and child.carer_tokens == expected.carer_tokens
    assert (child.birth_month, child.ward_code, child.postcode_district) == ("2022-03", "E05000425", "SW9")
    adult, _ = validator.validate(3, rows[2])
    assert adult.tokens.email == TOKENISER.email("anna.k@home.net") and adult.postcode_district == "SE5"
    assert "postcode_not_in_lookup" in adult.findings
    assert summary.unknown_columns == ("Notes",)
    text = out.read_text(encoding="utf-8")
    for clear in CLEAR:
        assert clear not in text


def test_manifest_describes_the_file(tmp_path):
    summary, out, rows = run(tmp_path, [HEADER, CHILD, ADULT, ["", "child", "", "", "", "", "", "", "", "", "", "", "", "x"]])
    manifest = AtSourceManifest.model_validate_json((tmp_path / "out.csv.manifest.json").read_text())
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert (manifest.row_count, manifest.rows_read, manifest.rows_rejected) == (2, 3, 1)
    assert manifest.key_id == "test-1" and manifest.key_check_value == TOKENISER.key_check_value
    assert check_manifest(manifest, sha256=digest, row_count=len(rows) - 1, service_code="CAN") == []
    assert len(check_manifest(manifest, sha256="0" * 64, row_count=5, service_code="DL")) == 3
    assert {(f.column, f.code) for f in manifest.findings} >= {("provider_record_id", "missing_value"),
                                                               ("engagement_date", "invalid_date")}


def test_xlsx_input(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in [HEADER, CHILD]:
        book.active.append(row)
    book.save(tmp_path / "in.xlsx")
    summary = pseudonymise_file(tmp_path / "in.xlsx", tmp_path / "out.csv", tokeniser=TOKENISER, service_code="CAN", wards=WARDS)
    assert summary.rows_written == 1


def test_command_line(tmp_path, monkeypatch):
    source = write_csv(tmp_path / "in.csv", [HEADER, CHILD, ADULT])
    monkeypatch.setenv("PSEUDONYMISER_KEY", KEY.hex())
    monkeypatch.setenv("PSEUDONYMISER_KEY_ID", "test-1")
    result = CliRunner().invoke(app, [str(source), str(tmp_path / "out.csv"), "--service", "CAN", "--wards", str(ONSPD)])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "out.csv.manifest.json").read_text())["row_count"] == 2
    monkeypatch.delenv("PSEUDONYMISER_KEY")
    result = CliRunner().invoke(app, [str(source), str(tmp_path / "o2.csv"), "--service", "CAN", "--wards", str(ONSPD)])
    assert result.exit_code == 2 and "PSEUDONYMISER_KEY" in result.output


def test_header_with_clear_identifiers_is_refused_by_the_uploader_rules():
    from leap_contracts.dataset.columns import HeaderProblem
    with pytest.raises(HeaderProblem, match="clear identifier"):
        read_at_source_header(["provider_record_token", "beneficiary_type", "engagement_date", "email"])


identifier_text = st.text(alphabet=AGREED_ALPHABETS["any"], min_size=4, max_size=20)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nhs=identifier_text, first=st.text(alphabet=AGREED_ALPHABETS["name"], min_size=4, max_size=12),
       email=st.emails(), mobile=st.from_regex(r"\+?(44|0)7[0-9]{9}", fullmatch=True), free=identifier_text,
       btype=st.sampled_from(["child", "adult"]))
def test_no_output_column_ever_holds_a_clear_value_and_tool_agrees_with_library(tmp_path, nhs, first, email, mobile,
                                                                                 free, btype):
    assume(free.strip().lower() not in {nhs.strip().lower(), first.strip().lower()})
    legitimate = {"child", "adult", "female", "true", "false", "2024-05-01", "2021-06", "sw9", "e05000425", "stockwell"}
    assume(not {nhs.strip().lower(), first.strip().lower()} & legitimate)  # values the output rightly holds
    row = ["P-" + nhs, btype, nhs, first, first + "son", "2021-06-07", "F", email, mobile, email, mobile, "SW9 7AB",
           free, "2024-05-01", "1", ""]
    summary, out, rows = run(tmp_path, [HEADER, row])
    record, problems = AtSourceRowValidator(read_at_source_header(rows[0])).validate(2, rows[1])
    assert problems == [], problems
    reference = pseudonymise(ValidatedRecord(
        row_number=2, provider_record_id=("P-" + nhs).strip(), beneficiary_type=btype, nhs_number=nhs.strip(),
        first_name=first.strip() or None, date_of_birth=date(2021, 6, 7), gender="female", email=email,
        mobile=mobile, primary_carer_email=email, primary_carer_mobile=mobile, postcode="SW9 7AB",
        engagement_date=date(2024, 5, 1)), "CAN", TOKENISER, WARDS)
    assert (record.tokens, record.carer_tokens) == (reference.tokens, reference.carer_tokens), repr(row)
    cells = rows[1]
    clear = {v.strip().lower() for v in (nhs, first, first + "son", email, mobile, "2021-06-07", "SW9 7AB", "P-" + nhs)}
    for column, cell in zip(rows[0], cells):
        if column.endswith("_token"):
            assert cell == "" or (len(cell) == 64 and set(cell) <= set("0123456789abcdef"))
        else:
            assert cell.strip().lower() not in clear or cell == "", (column, cell)
            assert "@" not in cell
