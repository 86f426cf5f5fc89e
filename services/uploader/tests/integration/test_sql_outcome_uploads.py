"""An outcome extract pseudonymised inside a trust's own PostgreSQL (the pseudonymiser's
sql/leap_outcome_at_source.sql, run in a separate throw-away database standing for the trust's) is accepted
by the upload path as an at-source file: its manifest names the programme key, and its rows go on as outcome
records; the rows the rules reject never leave the trust's database."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest

from leap_contracts.envelope import open_envelope
from leap_contracts.events import RecordsPseudonymisedAtSourceV1
from leap_contracts.pseudonymisation import Tokeniser
from leap_contracts.testing import throwaway_database
from leap_uploader.service import outcome_access

pytestmark = pytest.mark.integration

SQL_DIR = Path(__file__).resolve().parents[3] / "pseudonymiser" / "sql"
KEY = bytes(range(32))
EXTRACT = [  # provider_record_id, nhs_number, first_name, date_of_birth, gender, primary_carer_email, postcode,
    #          measure, measured_on, result
    ("HV1", "943 476 5919", "Zoë", "02/03/2022", "F", "mum@family.org.uk", "SW9 7AB", "asq3_communication",
     "2024-05-01", "Yes"),
    ("HV2", "", "Sam", "2022-03-02", "M", "dad@family.org.uk", "", "breastfeeding_6_8_weeks", "2022-04-20", "none"),
    ("HV3", "", "Al", "2022-03-02", "M", "", "", "asq3_fine_motor", "2024-05-01", "perhaps"),
]


async def trust_made_file(source: str) -> tuple[bytes, bytes]:
    """(file, manifest) as the documented psql commands write them from the trust's extract table."""
    async with throwaway_database("trust") as url:
        conn = await asyncpg.connect(url)
        try:
            for name in ("leap_pseudonymisation.sql", "leap_outcome_at_source.sql"):
                await conn.execute((SQL_DIR / name).read_text(encoding="utf-8"))
            await conn.execute("CREATE TABLE hv_extract (provider_record_id text, nhs_number text, first_name text, "
                               "date_of_birth text, gender text, primary_carer_email text, postcode text, "
                               "measure text, measured_on text, result text)")
            await conn.copy_records_to_table("hv_extract", records=EXTRACT)
            await conn.execute("INSERT INTO leap_postcode_ward VALUES ('SW9 7AB', 'E05000425', 'Stockwell')")
            lines = await conn.fetch("SELECT line FROM leap_outcome_at_source_csv($1, $2, 'hv_extract')", KEY, source)
            manifest = await conn.fetchval("SELECT leap_outcome_at_source_manifest($1, 'programme-key-1', $2, "
                                           "'hv_extract', 'hv.pseudo.csv')", KEY, source)
        finally:
            await conn.close()
    return "".join(r["line"] + "\n" for r in lines).encode(), manifest.encode()


async def test_an_extract_pseudonymised_in_the_trusts_database_is_accepted(h, pool, services, make_provider,
                                                                          monkeypatch) -> None:
    content, manifest = await trust_made_file("HV")
    assert b"Zo" not in content and b"943" not in content and b"HV1" not in content
    monkeypatch.setattr(services.receiving, "pseudo_key_check_value", Tokeniser(KEY, "programme-key-1").key_check_value)
    headers = await make_provider("trust-sql", "CLM")
    await outcome_access.allow(pool, "admin:test", "trust-sql", "HV")
    response = await h.client.post("/api/v1/uploads", headers=headers, data={"service": "HV", "dataset": "outcomes"},
                                   files={"file": ("hv.pseudo.csv", content, "text/csv"),
                                          "manifest": ("hv.pseudo.csv.manifest.json", manifest, "application/json")})
    assert response.status_code == 202, response.text
    upload_id = uuid.UUID(response.json()["upload_id"])
    await services.validation.on_file_received(await h.file_received(upload_id))
    row = await h.upload_row(upload_id)
    assert (row["rows_accepted"], row["rows_rejected"]) == (2, 0)  # HV3 was rejected in the trust's database
    chunks = [open_envelope(e) for _, e in await h.outbox("records.at-source.v1")]
    assert isinstance(chunks[0], RecordsPseudonymisedAtSourceV1) and chunks[0].dataset == "outcomes"
    records = chunks[0].records
    assert [(r.outcome.measure, r.outcome.result, r.outcome.positive) for r in records] == [
        ("asq3_communication", "yes", True), ("breastfeeding_6_8_weeks", "none", False)]
    assert records[0].tokens.nhs_number and records[0].tokens.child_key and records[0].ward_code == "E05000425"
    assert records[1].tokens.nhs_number is None and records[1].tokens.child_key


async def test_a_file_made_for_another_source_is_refused_by_its_manifest(h, pool, services, make_provider,
                                                                         monkeypatch) -> None:
    content, manifest = await trust_made_file("EDU")
    monkeypatch.setattr(services.receiving, "pseudo_key_check_value", Tokeniser(KEY, "programme-key-1").key_check_value)
    headers = await make_provider("trust-sql2", "CLM")
    await outcome_access.allow(pool, "admin:test", "trust-sql2", "HV")
    response = await h.client.post("/api/v1/uploads", headers=headers, data={"service": "HV", "dataset": "outcomes"},
                                   files={"file": ("hv.pseudo.csv", content, "text/csv"),
                                          "manifest": ("hv.pseudo.csv.manifest.json", manifest, "application/json")})
    assert response.status_code == 400 and "pseudonymised for service EDU" in response.text
