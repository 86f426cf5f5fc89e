"""The PostgreSQL match-key functions (sql/leap_pseudonymisation.sql) pass every shared match-key vector
and agree with the reference library on generated input."""

import json
from datetime import date
from pathlib import Path

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leap_contracts.pseudonymisation import make_vectors
from leap_contracts.pseudonymisation.reference import AGREED_ALPHABETS as ALPHABETS
from leap_contracts.pseudonymisation.reference import reference_match_keys, reference_name_soundex

pytestmark = pytest.mark.integration
SQL = Path(__file__).resolve().parents[2] / "sql" / "leap_pseudonymisation.sql"
VECTORS = json.loads(make_vectors.VECTORS.read_text(encoding="utf-8"))
KEY = bytes.fromhex(VECTORS["test_key"]["hex"])
KEYS_SQL = """SELECT leap_mk_name_dob_token($1, $2, $3, $4), leap_mk_prefix_dob_swap_token($1, $2, $3, $4),
                     leap_mk_carer_email_dob_token($1, $2, $5, $4), leap_mk_carer_email_name_token($1, $2, $5, $3, $4),
                     leap_mk_carer_mobile_dob_token($1, $2, $6, $4), leap_mk_dob_postcode_token($1, $2, $4, $7),
                     leap_mk_name_postcode_token($1, $2, $3, $7), leap_mk_full_name_dob_token($1, $2, $3, $4)"""
NAMES = ("mk_name_dob", "mk_prefix_dob_swap", "mk_carer_email_dob", "mk_carer_email_name", "mk_carer_mobile_dob",
         "mk_dob_postcode", "mk_name_postcode", "mk_full_name_dob")


@pytest.fixture(scope="module")
async def conn(database_url):
    connection = await asyncpg.connect(database_url)
    await connection.execute(SQL.read_text(encoding="utf-8"))
    yield connection
    await connection.close()


async def _keys(conn, btype, first, dob, email, mobile, postcode="") -> dict:
    row = await conn.fetchrow(KEYS_SQL, KEY, btype, first, dob, email, mobile, postcode)
    return dict(zip(NAMES, row, strict=True))


async def test_every_match_key_vector(conn):
    cases = [c for c in VECTORS["cases"] if c["kind"] in ("name_soundex", "dob_unordered", "match_keys")]
    assert {c["kind"] for c in cases} == {"name_soundex", "dob_unordered", "match_keys"}
    for case in cases:
        value = case["input"]
        if case["kind"] == "name_soundex":
            assert await conn.fetchval("SELECT leap_name_soundex($1)", value) == case.get("output"), case
        elif case["kind"] == "dob_unordered":
            assert await conn.fetchval("SELECT leap_dob_unordered($1)", value) == case["output"], case
        else:
            got = await _keys(conn, value["beneficiary_type"], value["first_name"], value["date_of_birth"],
                              value["carer_email"], value["carer_mobile"], value["postcode"])
            assert got == case["tokens"], case


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(alphabet=ALPHABETS["name"], max_size=14))
async def test_sql_soundex_agrees_with_library(conn, name):
    assert await conn.fetchval("SELECT leap_name_soundex($1)", name) == reference_name_soundex(name)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(btype=st.sampled_from(["child", "adult"]), name=st.text(alphabet=ALPHABETS["name"], max_size=12),
       dob=st.dates(date(1900, 1, 1), date(2030, 12, 31)),
       email=st.text(alphabet=ALPHABETS["email"], max_size=16), mobile=st.text(alphabet=ALPHABETS["digits"] + "+", max_size=14),
       postcode=st.one_of(st.sampled_from(["SW9 7AB", "sw97ab", " SE24  0AA", "EC1A 1BB", "W1 1AA", "SW9 7A"]),
                          st.text(alphabet=ALPHABETS["digits"] + "ABSWE \t", max_size=9)))
async def test_sql_match_keys_agree_with_library(conn, btype, name, dob, email, mobile, postcode):
    text = dob.isoformat()
    assert (await _keys(conn, btype, name, text, email, mobile, postcode)
            == reference_match_keys(KEY, btype, name, text, email, mobile, postcode))
