"""Generated provider files through the real broker, database and services: figures equal the generator's truth."""

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def loaded(client, dataset):
    folder, manifest, truth = dataset
    uploads = {f["file"]: client.upload(folder / f["file"], f["service"]) for f in manifest["files"]}
    results = client.wait_final(uploads.values(), deadline_s=300)
    figures = client.wait_reach(truth["unique_beneficiaries"], deadline_s=120)
    return uploads, results, figures


def test_every_file_completes_with_the_generators_row_counts(loaded, dataset):
    _, _, truth = dataset
    uploads, results, _ = loaded
    for name, upload_id in uploads.items():
        expected, got = truth["files"][name], results[upload_id]
        assert got["status"] == "completed", (name, got)
        assert (got["rows_accepted"], got["rows_rejected"]) == (expected["accepted"], expected["rejected"]), name


def test_unique_beneficiaries_equal_the_truth(loaded, dataset):
    _, _, truth = dataset
    _, _, figures = loaded
    assert figures["unique_beneficiaries"] == truth["unique_beneficiaries"]
    by_service = {s["service_code"]: s["unique_beneficiaries"] for s in figures["by_service"]}
    assert by_service == {code: n for code, n in truth["by_service"].items() if n}


def test_slices_equal_the_truth(loaded, client, dataset):
    _, _, truth = dataset
    for strand, expected in truth["by_strand"].items():
        if expected:
            assert client.reach(strand=strand)["unique_beneficiaries"] == expected, strand
    for ward, expected in truth["by_ward"].items():
        if ward != "Other":
            assert client.reach(ward=ward)["unique_beneficiaries"] == expected, ward
    for year, expected in truth["by_year"].items():
        assert client.reach(from_=f"{year}-01-01", to=f"{year}-12-31")["unique_beneficiaries"] == expected, year


def test_the_same_file_twice_is_one_upload(loaded, client, dataset):
    folder, manifest, truth = dataset
    uploads, _, _ = loaded
    first = manifest["files"][0]
    assert client.upload(folder / first["file"], first["service"]) == uploads[first["file"]]
    assert client.reach()["unique_beneficiaries"] == truth["unique_beneficiaries"]
