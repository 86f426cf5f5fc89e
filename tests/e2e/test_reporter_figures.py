"""The reporter's figures on the real pipeline, against the generator's truth (exact figures).

The e2e platform runs the reporter with small-number suppression off (see leap_tools.throwaway.SETTINGS), so
the figures can be compared exactly with ``truth.json``. Production keeps the default (on).
"""

import httpx
import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def figures(client, dataset):
    folder, manifest, truth = dataset
    uploads = {f["file"]: client.upload(folder / f["file"], f["service"]) for f in manifest["files"]}
    client.wait_final(uploads.values(), deadline_s=300)
    client.wait_reach(truth["unique_beneficiaries"], deadline_s=120)

    def get(name: str, **params) -> dict:
        response = client.reporter_get(f"/api/v1/figures/{name}", **params)
        response.raise_for_status()
        return response.json()
    return uploads, get


def test_reach_by_strand_ward_and_service_year_equal_the_truth(figures, dataset):
    _, _, truth = dataset
    _, get = figures
    by_strand = {r[0]: r[2] for r in get("reach-by-strand")["rows"]}
    assert by_strand == {**{s: n for s, n in truth["by_strand"].items() if n}, "total": truth["unique_beneficiaries"]}
    for code, years in truth["by_service_year"].items():
        for year, expected in years.items():
            rows = {r[0]: r[2] for r in get("reach-by-service", service=code, **{"from": f"{year}-01-01",
                                                                               "to": f"{year}-12-31"})["rows"]}
            assert rows.get(code, 0) == expected, (code, year)


def test_services_per_individual_and_overlap_equal_the_truth(figures, dataset):
    _, _, truth = dataset
    _, get = figures
    per = {r[0]: r[2] for r in get("services-per-individual")["rows"]}
    expected = {str(n): truth["by_number_of_services"].get(str(n), 0) for n in range(1, 5)}
    expected["5 or more"] = sum(v for k, v in truth["by_number_of_services"].items() if int(k) >= 5)
    assert {k: per[k] for k in expected} == expected
    table = get("overlap")
    codes = table["columns"][2:]
    got = {"+".join(sorted((row[0], b))): n for row in table["rows"] for b, n in zip(codes, row[2:], strict=True)
           if row[0] < b and n}
    assert got == {"+".join(sorted(k.split("+"))): n for k, n in truth["service_overlap"].items() if n}


def test_data_quality_rows_per_upload_equal_the_truth(figures, dataset):
    _, _, truth = dataset
    uploads, get = figures
    rows = {r[0]: r for r in get("quality-uploads")["rows"]}
    columns = get("quality-uploads")["columns"]
    accepted, rejected = columns.index("Accepted"), columns.index("Rejected")
    for name, upload_id in uploads.items():
        row = rows[upload_id]
        assert (row[accepted], row[rejected]) == (truth["files"][name]["accepted"], truth["files"][name]["rejected"])


def test_only_an_admin_token_may_ask_for_exact_figures(figures, client, platform):
    url = f"{client.reporter_url}/api/v1/reach"
    assert client.reporter_get("/api/v1/reach", suppression="off").status_code == 403  # analysts may not
    exact = httpx.get(url, params={"suppression": "off"}, timeout=30,
                      headers={"Authorization": f"Bearer {platform.env['REPORTER_ADMIN_TOKEN']}"})
    assert exact.status_code == 200 and exact.json()["suppressed"] is False
