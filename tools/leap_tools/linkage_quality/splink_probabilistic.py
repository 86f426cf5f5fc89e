"""Splink 5's probabilistic linkage (DuckDB) on the same service records in clear: the upper bound.

Comparisons: first name (Jaro-Winkler levels), date of birth (with day/month-swap tolerant levels),
gender, NHS number, own e-mail and mobile, carer e-mail and mobile, ward. u from random sampling,
m by expectation maximisation on two blocking rules; predictions blocked on every identifier and
on name/date combinations, within one beneficiary type. The pairs from ``threshold`` are joined to the
exact rules' individuals (Splink as the tolerant layer, on clear data), as the tolerant linkage is."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Sequence

from leap_tools.linkage_quality.records import ServiceRecord

COLUMNS = ("first_name", "dob", "gender", "nhs", "email", "mobile", "carer_email", "carer_mobile", "ward")


def link(records: Sequence[ServiceRecord], threshold: float = 0.95, seed: int = 1) -> list[tuple[str, str]]:
    """Pairs of record ids Splink links with at least ``threshold`` match probability (its progress
    messages are swallowed)."""
    logging.disable(logging.WARNING)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return _link(records, threshold, seed)
    finally:
        logging.disable(logging.NOTSET)


def _link(records: Sequence[ServiceRecord], threshold: float, seed: int) -> list[tuple[str, str]]:
    import duckdb
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    table = pa.table({
        "unique_id": [r.id for r in records],
        "btype": [r.beneficiary_type for r in records],
        **{c: [r.clear.get(c) for r in records] for c in COLUMNS},
    })
    con = duckdb.connect()
    con.register("arrow_records", table)
    con.execute("CREATE TABLE records AS SELECT * FROM arrow_records")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("gender"), cl.ExactMatch("nhs"), cl.ExactMatch("email"), cl.ExactMatch("mobile"),
            cl.ExactMatch("carer_email"), cl.ExactMatch("carer_mobile"), cl.ExactMatch("ward"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("btype", "nhs"), block_on("btype", "email"), block_on("btype", "mobile"),
            block_on("btype", "carer_email", "dob"), block_on("btype", "carer_mobile", "dob"),
            block_on("btype", "first_name", "dob"), block_on("btype", "carer_email", "first_name"),
            block_on("btype", "substr(first_name, 1, 2)", "substr(dob, 1, 4)", "ward"),
        ],
        retain_intermediate_calculation_columns=False, retain_matching_columns=False,
    )
    linker = Linker(DuckDBAPI(connection=con).register("records"), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nhs"), block_on("email"), block_on("mobile"), block_on("carer_email", "dob", "first_name")],
        recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("carer_email"))
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    rows = con.sql(f"SELECT unique_id_l, unique_id_r FROM {predictions.physical_name}").fetchall()
    return [(str(a), str(b)) for a, b in rows]
