"""Splink 5 (DuckDB backend) on the provider CSV files themselves: the speed and correctness anchor of the
platform's end-to-end benchmark.

`link_folder(folder)` reads every CSV file a generated folder's manifest.json lists with DuckDB's CSV reader
(all columns VARCHAR), applies the standard dataset's row rules (leap_contracts.dataset.rules: the rows the
platform rejects never link, and a file with more than half its rows rejected is rejected whole, as the
uploader does), normalises the identifiers in DuckDB SQL as leap_contracts.pseudonymisation (normalise.py,
identify.py) does in Python, then runs Splink's deterministic linkage (one blocking rule per identifier) and
connected components. The clock runs from opening the first
CSV file to the counted clusters. XLSX files of a `--formats mixed` folder are read with openpyxl (DuckDB
reads XLSX only through an extension it downloads); `--formats csv` folders are all CSV.

Identifiers (standard dataset, "Identifiers"): valid non-placeholder NHS number (any row); child key = primary
carer e-mail + date of birth + gender (female/male/other) + first 3 letters of the first name (child rows);
own e-mail and own UK mobile (adult rows); provider_record_id within one service (every row). Placeholder
and junk values never link (normalise.py's lists, which include the generator's own).

    python -m leap_tools.splink_csv DIR      # prints the figures and the comparison with DIR/truth.json
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from leap_contracts.dataset.columns import COLUMNS, REQUIRED_COLUMNS
from leap_contracts.pseudonymisation.normalise import (
    _NHS_JUNK,
    _PLACEHOLDER_DOMAINS,
    _PLACEHOLDER_LOCALS,
)

IDENTIFIERS = ("nhs_number", "child_key", "email", "mobile", "provider_record_id")
MAX_REJECTED_SHARE = 0.5
"""The uploader's default: a file with more rejected rows than this share is rejected as a whole."""

# Python's str.strip() and re's \s (str patterns) use str.isspace(); DuckDB's trim() and RE2's \s do not.
_WS = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_WS_CLASS = "".join(f"\\x{{{ord(c):x}}}" for c in _WS)


def _cp1252_table() -> tuple[str, str]:
    """Windows-1252 differs from Latin-1 (which DuckDB's reader decodes natively) only in 0x80-0x9F:
    the characters to translate after reading a cp1252 file as Latin-1."""
    src, dst = [], []
    for b in range(0x80, 0xA0):
        try:
            dst.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:  # undefined in cp1252 (Python refuses such files)
            continue
        src.append(chr(b))
    return "".join(src), "".join(dst)


@dataclass(frozen=True)
class SplinkResult:
    seconds: float
    """Wall time, opening the CSV files to counted clusters."""
    records: int
    """Accepted rows, linked."""
    individuals: int
    """Clusters (connected components of the accepted rows)."""
    individuals_attended: int
    """Clusters with at least one attended contact: the platform's reach, truth.json's unique_beneficiaries."""
    by_service: dict[str, int]
    """Service code -> clusters with at least one attended contact in that service."""
    rows: int = 0
    """Data rows read (accepted + rejected)."""
    nodes: int = 0
    """Records given to Splink: `records`, or the distinct identifier sets with `collapse`."""
    pairs: int = 0
    """Pairs Splink's blocking rules produced."""
    rejected: int = 0
    """Rows not linked: rejected rows, and every row of a file rejected as a whole."""
    files_rejected: list[str] = field(default_factory=list)
    """Files the platform would reject as a whole (header unusable or too many rejected rows)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per step: read_validate_normalise, link, cluster, count."""


# --- SQL ---------------------------------------------------------------------------------------------------

def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in_list(values) -> str:
    return "(" + ", ".join(_q(v) for v in sorted(values)) + ")"


def _macros() -> str:
    ws = _q(_WS)
    return f"""
-- str.strip(); trim() with a character list is slow, so only values that do not start and end in a
-- printable ASCII character go through it
CREATE OR REPLACE MACRO pstrip(x) AS CASE
    WHEN x = '' OR (unicode(x) BETWEEN 33 AND 126 AND unicode(right(x, 1)) BETWEEN 33 AND 126) THEN x
    ELSE trim(x, {ws}) END;
CREATE OR REPLACE MACRO pdate(x) AS CASE
    WHEN regexp_full_match(x, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') AND left(x, 4) <> '0000'
        THEN try_strptime(x, '%Y-%m-%d')::DATE
    WHEN regexp_full_match(x, '[0-9]{{2}}/[0-9]{{2}}/[0-9]{{4}}') AND right(x, 4) <> '0000'
        THEN try_strptime(x, '%d/%m/%Y')::DATE END;
CREATE OR REPLACE MACRO pgender(x) AS CASE lower(x)
    WHEN 'f' THEN 'female' WHEN 'female' THEN 'female' WHEN 'm' THEN 'male' WHEN 'male' THEN 'male'
    WHEN 'o' THEN 'other' WHEN 'other' THEN 'other' WHEN 'u' THEN 'unknown' WHEN 'unknown' THEN 'unknown' END;
CREATE OR REPLACE MACRO pbtype(x) AS CASE lower(x)
    WHEN 'child' THEN 'child' WHEN 'adult' THEN 'adult' WHEN 'parent' THEN 'adult' WHEN 'carer' THEN 'adult'
    WHEN 'pregnant woman' THEN 'adult' END;
CREATE OR REPLACE MACRO pattended(x) AS CASE lower(x)
    WHEN '' THEN true WHEN 'yes' THEN true WHEN 'y' THEN true WHEN 'true' THEN true WHEN '1' THEN true
    WHEN 'no' THEN false WHEN 'n' THEN false WHEN 'false' THEN false WHEN '0' THEN false END;
-- normalise_nhs_number: 10 ASCII digits once spaces and hyphens are gone, not a placeholder, Modulus 11
CREATE OR REPLACE MACRO nhs_digits(x) AS CASE WHEN x = '' OR regexp_full_match(x, '[0-9]{{10}}') THEN x
    ELSE regexp_replace(x, '[{_WS_CLASS}-]', '', 'g') END;
-- (a check digit of 10 never equals the tenth digit: such numbers fail too)
CREATE OR REPLACE MACRO nhs_check(d) AS (11 - (
    10 * d[1]::INT + 9 * d[2]::INT + 8 * d[3]::INT + 7 * d[4]::INT + 6 * d[5]::INT
    + 5 * d[6]::INT + 4 * d[7]::INT + 3 * d[8]::INT + 2 * d[9]::INT) % 11) % 11;
CREATE OR REPLACE MACRO nhs_ok(d) AS CASE WHEN regexp_full_match(d, '[0-9]{{10}}')
    AND d NOT IN {_in_list(_NHS_JUNK)} AND nhs_check(d) = d[10]::INT THEN d END;
CREATE OR REPLACE MACRO pnhs(x) AS nhs_ok(nhs_digits(x));
-- normalise_email: trimmed, lower case, name@domain.tld, neither placeholder local part nor domain
CREATE OR REPLACE MACRO email_ok(e) AS CASE
    WHEN regexp_full_match(e, '[^@{_WS_CLASS}]+@[^@{_WS_CLASS}]+\\.[^@{_WS_CLASS}]+')
     AND split_part(e, '@', 1) NOT IN {_in_list(_PLACEHOLDER_LOCALS)}
     AND split_part(e, '@', 2) NOT IN {_in_list(_PLACEHOLDER_DOMAINS)} THEN e END;
CREATE OR REPLACE MACRO pemail(x) AS email_ok(lower(pstrip(x)));
-- normalise_mobile: noise removed, +44/0044/44 and the trunk 0 dropped, 7 + 9 digits, no repdigit or run
CREATE OR REPLACE MACRO mob_noise(x) AS regexp_replace(x, '[{_WS_CLASS}\\-().]', '', 'g');
CREATE OR REPLACE MACRO mob_national(n) AS CASE
    WHEN starts_with(n, '+44') THEN n[4:] WHEN starts_with(n, '0044') THEN n[5:]
    WHEN starts_with(n, '44') AND length(n) = 12 THEN n[3:] ELSE n END;
CREATE OR REPLACE MACRO mob_trunk(n) AS CASE WHEN starts_with(n, '0') THEN n[2:] ELSE n END;
CREATE OR REPLACE MACRO mob_ok(n) AS CASE WHEN regexp_full_match(n, '7[0-9]{{9}}')
    AND NOT regexp_full_match(n[2:], '0+|1+|2+|3+|4+|5+|6+|7+|8+|9+')
    AND n[2:] NOT IN ('123456789', '987654321') THEN '+44' || n END;
CREATE OR REPLACE MACRO pmobile(x) AS mob_ok(mob_trunk(mob_national(mob_noise(x))));
-- name_prefix: case folded, diacritics removed, letters only, first three
CREATE OR REPLACE MACRO pprefix(x) AS nullif(left(regexp_replace(strip_accents(lower(x)), '\\PL', '', 'g'), 3), '');
"""


def _read_header(path: Path, encoding: str) -> list[str]:
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        for cells in csv.reader(handle):
            if "".join(cells).strip():
                return cells
    return []


def _header_positions(cells: list[str]) -> dict[str, int] | None:
    """leap_contracts.dataset.columns.read_header: standard column -> index, or None when the file is rejected."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = cell.replace("\ufeff", "").strip().lower()
        if name in COLUMNS:
            if name in positions:
                return None
            positions[name] = index
    return positions if all(c in positions for c in REQUIRED_COLUMNS) else None


def _csv_source(path: Path, encoding: str, width: int) -> str:
    """DuckDB's CSV reader, every column VARCHAR (c0, c1, ...), the header row skipped."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    return (f"read_csv({_q(str(path))}, header = false, skip = 1, columns = {columns}, delim = ',', "
            f"quote = '\"', escape = '\"', encoding = '{'latin-1' if _is_cp1252(encoding) else 'utf-8'}', "
            f"auto_detect = false, strict_mode = false)")


def _is_cp1252(encoding: str) -> bool:
    return encoding.replace("-", "").replace("_", "").lower() in ("cp1252", "windows1252")


def _cell_text(value: object) -> str:
    """leap_uploader.domain.cells.cell_text: a spreadsheet value as the text a CSV export would hold."""
    import datetime as dt
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, sheet: str | None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a sheet (the named one, else the first), as text. DuckDB reads XLSX only through
    an extension it downloads, so the few small XLSX files of a mixed folder are read with openpyxl."""
    import openpyxl
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = book[sheet] if sheet and sheet in book.sheetnames else book.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    rows = [r for r in rows if "".join(r).strip()]
    return (rows[0], rows[1:]) if rows else ([], [])


def _file_select(index: int, source: str, service: str, positions: dict[str, int], cp1252: bool) -> str:
    """One file's rows as the standard columns the rules read, each stripped as str.strip() does."""
    src, dst = _cp1252_table()
    cells = []
    for column in COLUMNS:
        if column in ("last_name", "postcode", "ethnicity", "first_language", "engagement_type"):
            continue  # neither validated as an error nor an identifier
        at = positions.get(column)
        if at is None:
            cells.append(f"'' AS {column}")
            continue
        value = f"c{at}"
        if cp1252:
            value = f"translate({value}, {_q(src)}, {_q(dst)})"
        cells.append(f"pstrip(coalesce({value}, '')) AS {column}")
    return f"SELECT {index} AS file_index, {_q(service)} AS service, {', '.join(cells)} FROM {source}"


def _records_sql(selects: list[str]) -> str:
    """Every row with its verdict (leap_contracts.dataset.rules.RowValidator) and identifiers. The stages are
    materialised: DuckDB would otherwise inline each stage's expressions at every use."""
    union = "\nUNION ALL\n".join(selects)
    return f"""
CREATE TABLE rows AS
WITH parsed AS MATERIALIZED (
    SELECT file_index, service, provider_record_id AS prid, pbtype(beneficiary_type) AS btype,
           pdate(engagement_date) AS engagement, date_of_birth = '' AS dob_blank, pdate(date_of_birth) AS dob,
           gender = '' AS gender_blank, pgender(gender) AS gender_c, first_name = '' AS first_name_blank,
           pattended(attended) AS attended, nhs_digits(nhs_number) AS nhs_d, lower(pstrip(email)) AS email_l,
           lower(pstrip(primary_carer_email)) AS carer_l, mob_trunk(mob_national(mob_noise(mobile))) AS mobile_n,
           pprefix(first_name) AS prefix
    FROM ({union})
    -- blank rows are skipped, not counted (here: every cell the rules read is blank)
    WHERE NOT (provider_record_id = '' AND beneficiary_type = '' AND engagement_date = '' AND nhs_number = ''
               AND first_name = '' AND date_of_birth = '' AND gender = '' AND email = '' AND mobile = ''
               AND primary_carer_email = '' AND primary_carer_mobile = '' AND attended = '')
),
judged AS MATERIALIZED (
    SELECT *, (prid <> '' AND length(prid) <= 64 AND btype IS NOT NULL AND engagement IS NOT NULL
               AND (dob_blank OR dob IS NOT NULL) AND (btype <> 'child' OR dob IS NOT NULL)
               AND (gender_blank OR gender_c IS NOT NULL) AND (btype <> 'child' OR NOT gender_blank)
               AND (btype <> 'child' OR NOT first_name_blank) AND attended IS NOT NULL) AS accepted
    FROM parsed
)
SELECT file_index, service, accepted, attended,
    CASE WHEN accepted THEN nhs_ok(nhs_d) END AS nhs_number,
    CASE WHEN accepted AND btype = 'child' AND gender_c IN ('female', 'male', 'other')
         THEN email_ok(carer_l) || '|' || strftime(dob, '%Y-%m-%d') || '|' || gender_c || '|' || prefix
         END AS child_key,
    CASE WHEN accepted AND btype = 'adult' THEN email_ok(email_l) END AS email,
    CASE WHEN accepted AND btype = 'adult' THEN mob_ok(mobile_n) END AS mobile,
    CASE WHEN accepted THEN service || '|' || prid END AS provider_record_id
FROM judged
"""


def link_folder(folder: Path | str, max_rejected_share: float = MAX_REJECTED_SHARE,
                threads: int | None = None, quiet: bool = True, collapse: bool = False) -> SplinkResult:
    """Link the folder's files (manifest.json says which file is which service, format and encoding).

    Every accepted row is one Splink record (as services/matcher/benchmarks/splink_oracle.py does); with
    `collapse`, rows carrying exactly the same identifiers are one record (same clusters, far fewer pairs:
    a person's contacts in one service all share provider_record_id, so per-row blocking makes every pair of
    them). `quiet` keeps Splink's per-step progress lines off stderr."""
    import duckdb
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute(_macros())

    selects, files_rejected, names = [], [], {}
    for index, entry in enumerate(manifest["files"]):
        path, encoding = folder / entry["file"], entry.get("encoding") or "utf-8"
        if entry["format"] == "csv":
            header = _read_header(path, encoding)
            source = _csv_source(path, encoding, len(header))
        elif entry["format"] == "xlsx":
            import pyarrow as pa
            header, cells = _read_xlsx(path, entry.get("sheet"))
            width = max([len(header), *map(len, cells)])
            con.register(f"xlsx_{index}", pa.table({f"c{i}": [r[i] if i < len(r) else "" for r in cells]
                                                    for i in range(width)}, schema=pa.schema(
                [(f"c{i}", pa.string()) for i in range(width)])))
            source, encoding = f"xlsx_{index}", "utf-8"
        else:
            raise ValueError(f"{entry['file']}: unknown format {entry['format']!r}")
        positions = _header_positions(header)
        if positions is None:
            files_rejected.append(entry["file"])
            continue
        names[index] = entry["file"]
        selects.append(_file_select(index, source, entry["service"], positions, _is_cp1252(encoding)))
    if not selects:
        raise ValueError(f"{folder}: no usable file")
    con.execute(_records_sql(selects))

    # Blank rows are skipped (not counted); whole files go when too many rows are rejected (the uploader).
    per_file = con.sql("SELECT file_index, count(*), count(*) FILTER (accepted) FROM rows GROUP BY ALL").fetchall()
    dropped = [i for i, total, ok in per_file if ok == 0 or (total - ok) / total > max_rejected_share]
    files_rejected += [names[i] for i in dropped]
    rows = sum(total for _, total, _ in per_file)
    con.execute(f"""
CREATE TABLE records AS
SELECT nhs_number, child_key, email, mobile, provider_record_id, service, attended
FROM rows
WHERE accepted {"AND file_index NOT IN (" + ", ".join(map(str, dropped)) + ")" if dropped else ""}
""")
    ids = ", ".join(IDENTIFIERS)
    if collapse:  # one node per distinct identifier set: rows that share all of them share provider_record_id
        con.execute(f"CREATE TABLE linkable AS SELECT row_number() OVER () AS unique_id, * "
                    f"FROM (SELECT DISTINCT {ids} FROM records)")
    else:
        con.execute(f"CREATE TABLE linkable AS SELECT rowid AS unique_id, {ids} FROM records")
    read_done = time.perf_counter()

    db_api = DuckDBAPI(connection=con)
    settings = SettingsCreator(link_type="dedupe_only",
                               blocking_rules_to_generate_predictions=[block_on(c) for c in IDENTIFIERS],
                               retain_intermediate_calculation_columns=False, retain_matching_columns=False)
    linker = Linker(db_api.register("linkable"), settings, log_level=None if quiet else logging.INFO)
    pairs = linker.inference.deterministic_link()
    link_done = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, None)
    cluster_done = time.perf_counter()

    if collapse:
        same = " AND ".join(f"r.{c} IS NOT DISTINCT FROM g.{c}" for c in IDENTIFIERS)
        node = f"(SELECT g.unique_id, r.service, r.attended FROM records r JOIN linkable g ON {same})"
    else:
        node = "(SELECT rowid AS unique_id, service, attended FROM records)"
    con.execute(f"""
CREATE TABLE member AS
SELECT c.cluster_id, r.service, r.attended FROM {clusters.physical_name} c JOIN {node} r ON r.unique_id = c.unique_id
""")
    records, individuals, attended = con.execute(
        "SELECT count(*), count(DISTINCT cluster_id), count(DISTINCT cluster_id) FILTER (attended) FROM member"
    ).fetchall()[0]
    by_service = dict(con.sql("SELECT service, count(DISTINCT cluster_id) FROM member WHERE attended "
                              "GROUP BY service ORDER BY service").fetchall())
    finished = time.perf_counter()
    nodes = con.execute("SELECT count(*) FROM linkable").fetchall()[0][0]
    n_pairs = con.execute(f"SELECT count(*) FROM {pairs.physical_name}").fetchall()[0][0]
    con.close()
    return SplinkResult(
        seconds=finished - started, records=records, individuals=individuals, individuals_attended=attended,
        by_service=by_service, rows=rows, nodes=nodes, pairs=n_pairs, rejected=rows - records, files_rejected=files_rejected,
        timings={"read_validate_normalise": read_done - started, "link": link_done - read_done,
                 "cluster": cluster_done - link_done, "count": finished - cluster_done},
    )


# --- command line --------------------------------------------------------------------------------------------

def compare_with_truth(result: SplinkResult, truth: dict) -> list[tuple[str, object, object]]:
    """(figure, Splink, truth) for the figures truth.json holds."""
    services = sorted(set(truth.get("by_service", {})) | set(result.by_service))
    return [
        ("rows", result.rows, truth["totals"]["rows"]),
        ("accepted rows (records)", result.records, truth["totals"]["accepted"]),
        ("individuals_attended vs unique_beneficiaries", result.individuals_attended,
         truth["unique_beneficiaries"]),
        *((f"by_service {s}", result.by_service.get(s, 0), truth["by_service"].get(s, 0)) for s in services),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m leap_tools.splink_csv",
                                     description="Splink 5 on a generated folder's provider files, timed "
                                                 "from parsing the CSV to clusters; compared with truth.json.")
    parser.add_argument("folder", type=Path, help="a generator folder: manifest.json and the files it lists")
    parser.add_argument("--collapse", action="store_true",
                        help="one Splink record per distinct identifier set instead of one per row")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all cores)")
    args = parser.parse_args(argv)
    folder = args.folder
    result = link_folder(folder, threads=args.threads, collapse=args.collapse)
    print(f"Splink {_version()} on DuckDB, {folder}")
    print(f"  {'seconds (parse -> clusters)':<34}{result.seconds:>12.2f}")
    for step, seconds in result.timings.items():
        print(f"    {step:<32}{seconds:>12.2f}")
    print(f"  {'rows read':<34}{result.rows:>12,}")
    print(f"  {'records (accepted rows linked)':<34}{result.records:>12,}")
    print(f"  {'Splink records (nodes)':<34}{result.nodes:>12,}  ({result.pairs:,} pairs)")
    print(f"  {'individuals (clusters)':<34}{result.individuals:>12,}")
    print(f"  {'individuals_attended (reach)':<34}{result.individuals_attended:>12,}")
    if result.files_rejected:
        print(f"  files rejected as a whole: {', '.join(result.files_rejected)}")
    truth_path = folder / "truth.json"
    if not truth_path.exists():
        return 0
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    comparison = compare_with_truth(result, truth)
    print(f"\n  {'figure':<48}{'splink':>10}{'truth':>10}")
    bad = 0
    for name, ours, theirs in comparison:
        mark = "" if ours == theirs else "  <- differs"
        bad += ours != theirs
        print(f"  {name:<48}{ours:>10,}{theirs:>10,}{mark}")
    print(f"\n  (individuals {result.individuals:,} counts clusters without any attended contact too; "
          f"truth's unique_beneficiaries is individuals_attended)")
    print("  all figures agree with truth.json" if not bad else f"  {bad} figure(s) differ from truth.json")
    return 0 if not bad else 1


def _version() -> str:
    try:
        import splink
        return splink.__version__
    except Exception:  # any failure to import or read it: the report says "?"
        return "?"


if __name__ == "__main__":
    raise SystemExit(main())
