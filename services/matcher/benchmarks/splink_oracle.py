"""Splink 5 deterministic linkage (DuckDB backend) on the same pseudonymised records: an independent
oracle for the partition and a speed anchor. Identifier rules as in the standard dataset: records
sharing an NHS number, child key, adult e-mail, adult mobile or (service, provider record id) token."""

from __future__ import annotations

import time

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from leap_contracts.events import RecordsPseudonymisedV1

COLUMNS = ("nhs_number", "child_key", "email", "mobile", "provider_record_id")


def frame(chunks: list[RecordsPseudonymisedV1]) -> pa.Table:
    columns: dict[str, list] = {"unique_id": [], **{k: [] for k in COLUMNS}}
    for c in chunks:
        for r in c.records:
            columns["unique_id"].append(f"{c.upload_id}:{r.row_number}")
            for k in COLUMNS:
                columns[k].append(getattr(r.tokens, k))
    return pa.table(columns)


def link(df: pa.Table) -> tuple[dict[str, int], float]:
    """record key -> cluster id, and seconds taken (load into DuckDB + link + connected components)."""
    started = time.perf_counter()
    con = duckdb.connect()
    con.register("arrow_records", df)
    con.execute("CREATE TABLE records AS SELECT * FROM arrow_records")
    db_api = DuckDBAPI(connection=con)
    settings = SettingsCreator(link_type="dedupe_only",
                               blocking_rules_to_generate_predictions=[block_on(c) for c in COLUMNS],
                               retain_intermediate_calculation_columns=False, retain_matching_columns=False)
    linker = Linker(db_api.register("records"), settings)
    pairs = linker.inference.deterministic_link()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, None)
    rows = con.sql(f"SELECT unique_id, cluster_id FROM {clusters.physical_name}").fetchall()
    seconds = time.perf_counter() - started
    return dict(rows), seconds


def same_partition(a: dict[str, object], b: dict[str, object]) -> tuple[bool, int]:
    """Whether two clusterings agree record for record (up to labels); and how many records disagree."""
    a_to_b: dict = {}
    b_to_a: dict = {}
    bad = 0
    for key, label in a.items():
        other = b.get(key)
        if a_to_b.setdefault(label, other) != other or b_to_a.setdefault(other, label) != label:
            bad += 1
    return bad == 0 and set(a) == set(b), bad
