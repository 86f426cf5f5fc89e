"""The PostgreSQL implementation (sql/leap_pseudonymisation.sql) passes every shared vector and agrees
with the reference library on generated input."""

import json
from datetime import date
from pathlib import Path

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leap_contracts.pseudonymisation import make_vectors
from leap_contracts.pseudonymisation.reference import AGREED_ALPHABETS as ALPHABETS
from leap_contracts.pseudonymisation.reference import reference_answer as reference_token

pytestmark = pytest.mark.integration
SQL = Path(__file__).resolve().parents[2] / "sql" / "leap_pseudonymisation.sql"
VECTORS = json.loads(make_vectors.VECTORS.read_text(encoding="utf-8"))
KEY = bytes.fromhex(VECTORS["test_key"]["hex"])

NORMALISERS = {"nhs_number": "leap_normalise_nhs_number", "email": "leap_normalise_email",
               "mobile": "leap_normalise_mobile", "postcode": "leap_normalise_postcode",
               "gender": "leap_normalise_gender", "first_name_prefix": "leap_first_name_prefix",
               "date_of_birth": "leap_normalise_date_of_birth"}
TOKENS = {"nhs_number": "leap_nhs_number_token", "email": "leap_email_token", "mobile": "leap_mobile_token"}


@pytest.fixture(scope="module")
async def conn(database_url):
    connection = await asyncpg.connect(database_url)
    await connection.execute(SQL.read_text(encoding="utf-8"))
    yield connection
    await connection.close()


async def test_key_check_value_and_spec_version(conn):
    assert await conn.fetchval("SELECT leap_key_check_value($1)", KEY) == VECTORS["test_key"]["key_check_value"]
    assert await conn.fetchval("SELECT leap_spec_version()") == VECTORS["spec_version"]


async def test_every_vector(conn):
    failures = []
    for case in VECTORS["cases"]:
        kind, value = case["kind"], case["input"]
        if kind in ("name_soundex", "dob_unordered", "match_keys"):
            continue  # test_sql_match_keys.py
        if kind == "child_key":
            got = await conn.fetchval("SELECT leap_child_key_token($1, $2, $3, $4, $5)", KEY, value["carer_email"],
                                      value["date_of_birth"], value["gender"], value["first_name"])
            want = case.get("token")
        elif kind == "provider_record_id":
            got = await conn.fetchval("SELECT leap_provider_record_token($1, $2, $3)", KEY, value["service_code"],
                                      value["provider_record_id"])
            want = case["token"]
        else:
            got = await conn.fetchval(f"SELECT {NORMALISERS[kind]}($1)", value)
            want = case.get("output")
            if kind in TOKENS:
                token = await conn.fetchval(f"SELECT {TOKENS[kind]}($1, $2)", KEY, value)
                if token != case.get("token"):
                    failures.append((kind, value, "token"))
        if got != want:
            failures.append((kind, value, got, want))
    assert failures == [], f"{len(failures)} of {len(VECTORS['cases'])} vectors fail: {failures[:10]}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted(NORMALISERS)), value=st.text(alphabet=ALPHABETS["any"], max_size=24))
async def test_sql_agrees_with_library_on_any_input(conn, kind, value):
    want = reference_token(KEY, kind, value)
    if kind in TOKENS:
        got = await conn.fetchval(f"SELECT {TOKENS[kind]}($1, $2)", KEY, value)
    else:
        got = await conn.fetchval(f"SELECT {NORMALISERS[kind]}($1)", value)
    assert got == want


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(email=st.text(alphabet=ALPHABETS["email"], min_size=1, max_size=20), dob=st.dates(date(1900, 1, 1)),
       gender=st.sampled_from(["F", "m", "other", "unknown", "x"]), name=st.text(alphabet=ALPHABETS["name"], max_size=12))
async def test_sql_child_key_agrees_with_library(conn, email, dob, gender, name):
    want = reference_token(KEY, "child_key", (email, dob.isoformat(), gender, name))
    got = await conn.fetchval("SELECT leap_child_key_token($1, $2, $3, $4, $5)", KEY, email, dob.isoformat(), gender, name)
    assert got == want
