"""The in-database path for outcome extracts (sql/leap_outcome_at_source.sql) gives, on real PostgreSQL, the
at-source tool's file byte for byte (same rows, tokens, findings, rejected rows with the same errors) and a
manifest the uploader's at-source rules accept, for the generator's extracts and for rows made to be awkward."""

import csv
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leap_contracts.dataset.at_source import (
    AtSourceManifest,
    AtSourceRowValidator,
    check_manifest,
    read_at_source_header,
)
from leap_contracts.outcomes import MEASURES, OUTCOME_COLUMNS, read_outcome_header
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser, make_vectors
from leap_contracts.pseudonymisation.reference import AGREED_ALPHABETS as ALPHABETS
from leap_pseudonymiser.at_source.outcome_rows import COLUMNS, OutcomeAtSourceRowMaker
from leap_pseudonymiser.at_source.run import pseudonymise_file
from leap_pseudonymiser.adapters.onspd_file import ward_table
from leap_tools.generator.outcome_extracts import SOURCES, filename
from leap_tools.generator.run import generate

pytestmark = pytest.mark.integration
SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
REFERENCE = Path(__file__).resolve().parents[4] / "deploy" / "reference"
VECTORS = json.loads(make_vectors.VECTORS.read_text(encoding="utf-8"))
KEY = bytes.fromhex(VECTORS["test_key"]["hex"])
TOKENISER = Tokeniser(KEY, "test-1")
WARDS = {**ward_table(REFERENCE / "onspd-demo.csv", REFERENCE / "ward-names-demo.csv"),
         "SW9 7AB": ("E05000425", "Stockwell, North"), "SW9 7AD": ("E05000426", "Ward \"B\""),
         "SW9 7AE": ("E05000427", "call 0123456789")}


@pytest.fixture(scope="module")
async def conn(database_url):
    connection = await asyncpg.connect(database_url)
    for name in ("leap_pseudonymisation.sql", "leap_outcome_at_source.sql"):
        await connection.execute((SQL_DIR / name).read_text(encoding="utf-8"))
    await connection.execute("TRUNCATE leap_postcode_ward")
    await connection.copy_records_to_table("leap_postcode_ward", records=[(p, c, n) for p, (c, n) in WARDS.items()])
    yield connection
    await connection.close()


@pytest.fixture(scope="module")
def extracts(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    generate(3000, out, formats="csv", outcomes=True)
    return out


async def load(conn, table: str, header: list[str], rows: list[list[str]], numbered: bool = True) -> None:
    """The extract as a table of text columns named as the file's header (plus each row's line number)."""
    columns = [h.strip().lower() for h in header]
    await conn.execute(f"DROP TABLE IF EXISTS {table}")
    await conn.execute(f"CREATE TABLE {table} ({', '.join(f'{c} text' for c in columns)}"
                       f"{', row_number int' if numbered else ''})")
    records = [(*(r + [""] * (len(columns) - len(r)))[:len(columns)], *([n] if numbered else []))
               for n, r in enumerate(rows, start=2)]
    await conn.copy_records_to_table(table, records=records)


def tool_rows(header: list[str], rows: list[list[str]], source: str) -> list[tuple]:
    """(row number, at-source cells or None, ['column:code' errors]) as the tool makes them."""
    maker = OutcomeAtSourceRowMaker(read_outcome_header(header), source, RowIdentifier(TOKENISER), WARDS)
    made = []
    for n, cells in enumerate(rows, start=2):
        if not any(cells):
            continue
        out, problems, _ = maker.make(n, cells)
        made.append((n, out, [f"{p.column}:{p.code}" for p in problems] if out is None else None))
    return made


async def sql_rows(conn, table: str, source: str) -> list[tuple]:
    got = await conn.fetch("SELECT * FROM leap_outcome_at_source($1, $2, $3)", KEY, source, table)
    return [(r["row_number"], None if r["errors"] is not None else [r[c] for c in COLUMNS], r["errors"])
            for r in got]


async def test_the_catalogue_in_sql_is_the_outcomes_catalogue(conn):
    rows = {r["code"]: r for r in await conn.fetch("SELECT * FROM leap_outcome_measures()")}
    assert set(rows) == set(MEASURES)
    for code, m in MEASURES.items():
        r = rows[code]
        assert (r["source"], r["derived"]) == (m.source, m.derived), code
        if m.scale is None:
            assert r["scale"] is None, code
            continue
        assert (r["scale"], r["whole"]) == (m.scale.kind, m.scale.whole), code
        if m.scale.kind == "choice":
            assert (tuple(r["choices"]), tuple(r["positive"])) == (m.scale.values, m.scale.positive), code
        if m.scale.kind == "number":
            assert (r["low"], r["high"], r["at_least"]) == (m.scale.low, m.scale.high, m.scale.at_least), code


async def test_finding_functions_give_every_vectors_finding(conn):
    functions = {"nhs_number": "leap_nhs_number_finding", "email": "leap_email_finding", "mobile": "leap_mobile_finding"}
    for case in VECTORS["cases"]:
        if case["kind"] in functions:
            got = await conn.fetchval(f"SELECT {functions[case['kind']]}($1)", case["input"])
            assert got == case.get("finding"), case


@pytest.mark.parametrize("source", SOURCES)
async def test_a_generated_extract_gives_the_tools_file_and_an_accepted_manifest(conn, extracts, tmp_path, source):
    path = extracts / filename(source)
    with path.open(newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    numbered = source in ("HV", "NCMP")
    if not numbered:  # the SQL path orders rows by their values then: the tool gets the file in that order
        rows.sort(key=lambda r: [dict(zip(header, r)).get(c, "") for c in OUTCOME_COLUMNS])
        path = tmp_path / "sorted.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows([header, *rows])
    await load(conn, f"extract_{source.lower()}", header, rows, numbered=numbered)

    assert await sql_rows(conn, f"extract_{source.lower()}", source) == tool_rows(header, rows, source)

    out = tmp_path / f"{source}.pseudo.csv"
    summary = pseudonymise_file(path, out, tokeniser=TOKENISER, service_code=source, wards=WARDS, dataset="outcomes")
    assert summary.rows_written > 0 and (source == "DENTAL" or summary.errors)
    lines = await conn.fetch("SELECT line FROM leap_outcome_at_source_csv($1, $2, $3)", KEY, source,
                             f"extract_{source.lower()}")
    made = "".join(r["line"] + "\n" for r in lines).encode()
    assert made == out.read_bytes()

    manifest = AtSourceManifest.model_validate_json(await conn.fetchval(
        "SELECT leap_outcome_at_source_manifest($1, $2, $3, $4, $5)", KEY, "test-1", source,
        f"extract_{source.lower()}", out.name))
    ignore = {"created_at", "tool_version"}
    assert manifest.model_dump(exclude=ignore) == summary.manifest.model_dump(exclude=ignore)
    assert check_manifest(manifest, sha256=summary.manifest.sha256, row_count=len(lines) - 1, service_code=source) == []
    validator = AtSourceRowValidator(read_at_source_header(lines[0]["line"].split(",")), dataset="outcomes",
                                     source=source)
    for n, row in enumerate(csv.reader(made.decode().splitlines()[1:]), start=2):
        record, problems = validator.validate(n, row)
        assert problems == [] and record.outcome is not None


HEADER = list(OUTCOME_COLUMNS)
AWKWARD = [  # provider_record_id, nhs, first, last, dob, gender, carer e-mail, carer mobile, postcode, measure, on, result
    ["N1", "943 476 5919", "Zoë", "K", "02/03/2022", "F", " Mum@Family.org.uk ", "07700 900123", "sw97ab",
     "ASQ3_Communication", "2024-05-01", " Yes "],
    ["N2", "9434765918", "O'Neil", "", "2022-03-02", "m", "noemail@x.com", "01632 960001", "SW9 7AD",
     "asq3_gross_motor", "2024-05-01", "n"],
    ["N3", "1234567890", "123", "", "2022-03-02", "u", "a@b", "+44 7777 777777", "SW9 7AE", "asq3_fine_motor",
     "2024-05-01", "1"],
    ["N4", "", "Sam", "", "2022-+3-02", "", "", "", "nowhere", "asq3_problem_solving", "2024- 5-01", "0"],
    ["N5", "", "Al", "", "2022_-3-02", "O", "dad@family.org.uk", "", "ZZ1 1ZZ", "breastfeeding_6_8_weeks",
     "2022-04-20", "Partial"],
    ["N6", "", "", "", "29/02/2023", "female", "", "", "", "asq3_all_five", "2024-05-01", "yes"],
    ["", "", "", "", "", "x", "", "", "", "", "", ""],
    ["N8", "", "", "", "2022-03-02", "", "", "", "", "eyfsp_gld", "2020-01-01", "yes"],
    ["N9", "", "", "", "2022-03-02", "", "", "", "", "unknown_thing", "2024-05-01", "yes"],
    ["N10", "", "", "", "2022-03-02", "", "", "", "", "asq3_communication", "2024-05-01", ""],
    ["N11", "", "", "", "0000-01-01", "", "", "", "", "breastfeeding_6_8_weeks", "2024-05-01", "maybe"],
    ["X" * 65, "", "", "", "2022-03-02", "", "", "", "", "", "", "yes"],
    ["", "", "", "", "", "", "", "", "", "", "", ""],
    ["  ", "", "", "", "", "", "", "", "", "", "", ""],
    ["N15", "", "Ana", "", "0999-12-31", "F", "mum2@family.org.uk", "", "", "asq3_communication", "1001-01-01", "yes"],
]
NUMBERS = ["85", "85.50", "+85.0", "1_0", ".5", "5.", "1e1", "1E+1", "0.00000012", "-0", "100.0001", "nan", "inf",
           "1e-20", "84.99", "0x10", "1e_1", "_5", "", " 3 "]


async def test_awkward_rows_match_the_tool_row_by_row(conn):
    rows = [*AWKWARD,
            *(["M%d" % i, "", "", "", "2019-01-01", "", "", "", "", "ncmp_excess_weight_reception", "2024-01-01", v]
              for i, v in enumerate(NUMBERS)),
            *(["D%d" % i, "", "", "", "2019-01-01", "", "", "", "", "dental_decay_5", "2024-01-01", v]
              for i, v in enumerate(NUMBERS))]
    for source in ("HV", "NCMP", "DENTAL"):
        await load(conn, "awkward", HEADER, rows)
        assert await sql_rows(conn, "awkward", source) == tool_rows(HEADER, rows, source), source


async def test_digits_other_than_ascii_are_the_one_documented_difference(conn):
    """Python's int() and Decimal read any Unicode digit (١٢ is 12); the SQL path reads ASCII digits only and
    rejects such a date or number as the rules' error, as it does a number numeric cannot hold
    (docs/outcomes-dataset.md)."""
    rows = [["A1", "", "", "", "2019-01-01", "", "", "", "", "dental_decay_5", "2024-01-01", "١"],
            ["A2", "", "", "", "2019-01-0١", "", "", "", "", "dental_decay_5", "2024-01-01", "1"]]
    await load(conn, "arabic", HEADER, rows)
    assert [r[2] for r in tool_rows(HEADER, rows, "DENTAL")] == [None, None]
    assert [r[2] for r in await sql_rows(conn, "arabic", "DENTAL")] == [["result:invalid_value"],
                                                                       ["date_of_birth:invalid_date"]]
    for beyond_numeric in ("1e-20000", "1e200000"):  # Python: 1E-20000 is on the scale; SQL: invalid_value
        assert tuple(await conn.fetchrow("SELECT * FROM leap_outcome_result('ncmp_excess_weight_reception', $1)",
                                         beyond_numeric)) == (None, None)


async def test_optional_columns_may_be_absent_and_rows_are_numbered_in_order(conn):
    header = ["Provider_Record_ID", "date_of_birth", "measure", "measured_on", "result", "postcode"]
    rows = [["A1", "2022-03-02", "eyfsp_gld", "2027-06-30", "yes", "SW9 7AB"],
            ["A2", "2022-03-02", "eyfsp_gld", "2027-06-30", "perhaps", ""]]
    await load(conn, "partial", header, rows, numbered=False)
    assert await sql_rows(conn, "partial", "EDU") == tool_rows(header, rows, "EDU")
    await conn.execute("DROP TABLE IF EXISTS lacking; CREATE TABLE lacking (provider_record_id text, measure text)")
    with pytest.raises(asyncpg.RaiseError, match="lacks required column.*date_of_birth, measured_on, result"):
        await conn.fetch("SELECT * FROM leap_outcome_at_source($1, 'HV', 'lacking')", KEY)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.tuples(
    st.text(alphabet=ALPHABETS["any"], max_size=6), st.text(alphabet=ALPHABETS["digits"] + " -", max_size=12),
    st.text(alphabet=ALPHABETS["name"], max_size=8),
    st.one_of(st.dates(date(1990, 1, 1), date(2030, 12, 31)).map(date.isoformat),
              st.text(alphabet=ALPHABETS["digits"] + "-/ +_", min_size=10, max_size=10)),
    st.sampled_from(["F", "m", "other", "unknown", "x", ""]), st.text(alphabet=ALPHABETS["email"], max_size=14),
    st.text(alphabet=ALPHABETS["digits"] + "+ ", max_size=14), st.sampled_from(["SW9 7AB", "sw97ad", "SW9", "", "E1 6AN"]),
    st.sampled_from([*MEASURES, "x", ""]),
    st.one_of(st.dates(date(1990, 1, 1), date(2030, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")), st.just("")),
    st.text(alphabet="yesnotrufal0123456789._e+- ", max_size=6)))
async def test_any_row_matches_the_tool(conn, cells):
    prid, nhs, first, dob, gender, email, mobile, postcode, measure, measured, result = cells
    rows = [[prid, nhs, first, "", dob, gender, email, mobile, postcode, measure, measured, result]]
    source = MEASURES[measure].source if measure in MEASURES else "HV"
    await load(conn, "anyrow", HEADER, rows)
    assert await sql_rows(conn, "anyrow", source) == tool_rows(HEADER, rows, source)


@pytest.mark.skipif(shutil.which("psql") is None, reason="the documented psql script needs the psql client")
async def test_the_documented_psql_script_writes_the_tools_files(conn, extracts, tmp_path, database_url):
    path = extracts / filename("HV")
    with path.open(newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    await load(conn, "hv_extract", header, rows)
    tool = tmp_path / "tool" / "hv.pseudo.csv"
    tool.parent.mkdir()
    summary = pseudonymise_file(path, tool, tokeniser=TOKENISER, service_code="HV", wards=WARDS, dataset="outcomes")
    script = (SQL_DIR / "leap_outcome_at_source.sql").read_text(encoding="utf-8")
    commands = "\n".join(line.removeprefix("--   ") for line in script.splitlines() if line.startswith("--   "))
    env = {"PATH": "/usr/bin:/bin", "PSEUDONYMISER_KEY": KEY.hex(), "PSEUDONYMISER_KEY_ID": "test-1"}
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", database_url], input=commands, text=True,
                   cwd=tmp_path, env=env, check=True, capture_output=True)
    assert (tmp_path / "hv.pseudo.csv").read_bytes() == tool.read_bytes()
    manifest = AtSourceManifest.model_validate_json((tmp_path / "hv.pseudo.csv.manifest.json").read_text())
    assert check_manifest(manifest, sha256=summary.manifest.sha256, row_count=summary.rows_written,
                          service_code="HV") == []
