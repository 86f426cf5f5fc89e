"""Outcome extracts on the real pipeline (uploader, pseudonymiser, matcher, reporter, Kafka, PostgreSQL): two of
the generator's whole-area extracts go in *before* its service files (the matcher links their records again by
itself as the service files are matched: no command), the others after; reach stays exactly the same, and every
outcome figure equals the generator's truth (the e2e reporter runs with suppression off)."""

from __future__ import annotations

import dataclasses
import json
import re

import httpx

import pytest

from leap_tools.generator.run import generate
from leap_tools.localenv import allow_outcomes

pytestmark = pytest.mark.e2e
PROGRAMME_WARDS = ("Stockwell", "Coldharbour", "Vassall", "Tulse Hill")
FIRST = ("HV", "CHIS")
"""Extracts uploaded before any service file."""
VOLATILE = ("as_of", "up_to_date", "not_yet_counted", "elapsed_ms", "source")


def reach_now(client, get) -> dict:
    reach = {k: v for k, v in client.reach(suppression="off", consistency="current").items() if k not in VOLATILE}
    # consistency=current: every table from the whole read model, never from an index built before it was
    # complete (by default a busy reporter answers from its last index, labelled not up to date).
    tables = {name: get(name, consistency="current")["rows"]
              for name in ("reach-by-strand", "reach-by-ward", "reach-by-service", "services-per-individual",
                           "overlap", "families")}
    return {"reach": reach, **tables}


def wait_up_to_date(client, deadline_s: float = 120.0) -> None:
    import time
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if client.reach(suppression="off", consistency="current")["up_to_date"]:
            return
        time.sleep(0.1)  # poll interval, bounded by the deadline
    raise TimeoutError("the reporter never said up to date")


@pytest.fixture(scope="module")
def run(platform, client, tmp_path_factory):
    client = dataclasses.replace(client, reporter_token=platform.env["REPORTER_ADMIN_TOKEN"])  # exact answers
    out = tmp_path_factory.mktemp("outcomes")
    generate(4000, out, seed=11, formats="mixed", outcomes=True)  # the session's service files, plus outcomes
    manifest = json.loads((out / "manifest.json").read_text())
    truth = json.loads((out / "truth.json").read_text())

    def get(name: str, **params) -> dict:
        response = client.reporter_get(f"/api/v1/figures/{name}", **params)
        response.raise_for_status()
        return response.json()

    allow_outcomes(platform.env, "e2e-provider", [f["source"] for f in manifest["outcome_files"]])
    empty = client.reach(suppression="off", consistency="current")["unique_beneficiaries"] == 0  # this session's first upload

    def upload_extracts(sources) -> dict:
        return {f["source"]: client.upload(out / f["file"], f["source"], dataset="outcomes")
                for f in manifest["outcome_files"] if f["source"] in sources}

    extracts = upload_extracts(FIRST)
    finished = client.wait_final(extracts.values(), deadline_s=300)
    wait_up_to_date(client)
    linked_first = sum(r[2] for r in get("outcomes-linkage", consistency="current")["rows"])
    services = [client.upload(out / f["file"], f["service"]) for f in manifest["files"]]
    client.wait_final(services, deadline_s=300)
    client.wait_exact(truth, deadline_s=120)
    before = reach_now(client, get)

    later = upload_extracts({f["source"] for f in manifest["outcome_files"]} - set(FIRST))
    finished |= client.wait_final(later.values(), deadline_s=300)
    wait_up_to_date(client)
    extracts |= later
    return truth, manifest, extracts, finished, before, reach_now(client, get), get, (empty, linked_first)


def test_reach_is_exactly_the_same_after_the_outcome_extracts(run):
    _, _, _, finished, before, after, *_ = run
    assert all(status["status"] == "completed" for status in finished.values())
    assert after == before


def test_each_extract_is_validated_as_the_truth_says(run):
    truth, _, extracts, finished, *_ = run
    for source, upload_id in extracts.items():
        expected = truth["outcomes"]["files"][f"outcomes-{source}.csv"]
        status = finished[upload_id]
        assert (status["rows_total"], status["rows_accepted"]) == (expected["rows"], expected["accepted"]), source


def _cells(rows: list, measure: str) -> dict:
    return {(r[1], r[2]): (r[3], r[4]) for r in rows if r[0] == measure}


def _pair(cell: dict) -> tuple[int, int]:
    return cell["numerator"], cell["denominator"]


def test_every_outcome_figure_equals_the_truth(run):
    truth, *_, get, _ = run
    measures = truth["outcomes"]["measures"]
    tables = {d: get(f"outcomes-by-{d}")["rows"] for d in ("services-engaged", "strand", "service", "ward", "year")}
    for measure, expected in measures.items():
        got = _cells(tables["services-engaged"], measure)
        assert {g: got[("services engaged", g)] for g in expected["services_engaged"]} == {
            g: _pair(c) for g, c in expected["services_engaged"].items()}, measure
        for dimension in ("strand", "service"):
            got = _cells(tables[dimension], measure)
            assert {k: got[(k, "engaged")] for k in expected[dimension]} == {
                k: _pair(c) for k, c in expected[dimension].items()}, (measure, dimension)
        for dimension, keys in (("ward", PROGRAMME_WARDS), ("year", expected["year"])):
            got = _cells(tables[dimension], measure)
            for key in keys:
                for group, label in (("engaged", "engaged"), ("not_engaged", "not engaged")):
                    assert got.get((key, label), (0, 0)) == _pair(expected[dimension][key][group]), \
                        (measure, dimension, key, group)


def test_coverage_and_linkage_equal_the_truth(run):
    truth, *_, get, _ = run
    coverage = {r[0]: (r[2], r[3]) for r in get("outcomes-coverage")["rows"]}
    assert coverage == {m: (c["children"], c["of"]) for m, c in truth["outcomes"]["coverage"].items()}
    linkage = get("outcomes-linkage")["rows"]
    totals = [sum(r[i] for r in linkage) for i in (2, 3, 4, 5)]
    records = truth["outcomes"]["records"]
    assert totals == [records["linked"], records["unlinked"], records["bridging"], records["unlinkable"]]


def test_extracts_sent_before_the_service_files_were_linked_again_without_a_command(run):
    *_, (empty, linked_first) = run
    if empty:  # run on its own: nobody was known when the first extracts were linked
        assert linked_first == 0
    # test_every_outcome_figure_equals_the_truth holds their measures (HV's, CHIS's) to the truth as well


def test_no_consumer_dead_letters_an_outcome_event(run, platform):
    """The uploader (chunk completion) and the reporter both read outcomes.linked.v1, relinked records too."""
    for service in ("uploader", "reporter"):
        metrics = httpx.get(f"{platform.url(service)}/metrics", timeout=10).text
        found = re.search(r'dead_letters_total\{topic="outcomes\.linked\.v1"\} ([0-9.]+)', metrics)
        assert found is None or float(found.group(1)) == 0, service
