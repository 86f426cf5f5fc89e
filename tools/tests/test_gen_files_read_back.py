"""Every file opens in its declared format and encoding and holds what the
manifest says."""

from __future__ import annotations

from pathlib import Path

from gen_readback import read_records, read_table

from leap_tools.generator.layout import STANDARD_COLUMNS


def test_every_format_and_encoding_is_present(manifest):
    kinds = {(f["format"], f["encoding"]) for f in manifest["files"]}
    assert kinds == {("csv", "utf-8"), ("csv", "utf-8-sig"), ("csv", "cp1252"), ("xlsx", None)}


def test_files_read_back_with_manifest_row_counts(mixed_dataset: Path, manifest):
    assert sum(f["rows"] for f in manifest["files"]) == manifest["rows"]
    on_disk = {p.name for p in mixed_dataset.iterdir()} - {"manifest.json", "truth.json"}
    assert on_disk == {f["file"] for f in manifest["files"]}
    for entry in manifest["files"]:
        header, rows = read_table(mixed_dataset / entry["file"], entry["format"], entry["encoding"])
        assert header == entry["headers"]
        assert len(rows) == entry["rows"], entry["file"]
        assert all(len(r) == len(header) for r in rows)


def test_byte_level_encodings(mixed_dataset: Path, manifest):
    for entry in manifest["files"]:
        raw = (mixed_dataset / entry["file"]).read_bytes()
        if entry["format"] == "xlsx":
            assert raw[:2] == b"PK"
        elif entry["encoding"] == "utf-8-sig":
            assert raw.startswith(b"\xef\xbb\xbf")
        else:
            assert not raw.startswith(b"\xef\xbb\xbf")
            raw.decode(entry["encoding"])  # strict


def test_headers_vary_but_match_the_standard(manifest):
    spellings = set()
    for entry in manifest["files"]:
        names = [h.strip().lower() for h in entry["headers"]]
        assert set(names) - set(STANDARD_COLUMNS) == set(entry["unknown_columns"])
        assert {"provider_record_id", "beneficiary_type", "engagement_date"} <= set(names)
        spellings.update(h for h in entry["headers"] if h != h.strip().lower())
    assert spellings, "some headers should be in another case or padded"
    assert any(entry["unknown_columns"] == ["notes"] for entry in manifest["files"])


def test_notations_seen(mixed_dataset: Path, manifest):
    seen: dict[str, set] = {k: set() for k in ("gender", "attended", "beneficiary_type")}
    mobiles = dates = 0
    for entry in manifest["files"]:
        for rec in read_records(mixed_dataset / entry["file"], entry["format"], entry["encoding"]):
            for key in seen:
                if key in rec:
                    seen[key].add(str(rec[key]))
            mobiles += str(rec.get("mobile", "")).startswith("+44 ")
            dates += "/" in str(rec.get("engagement_date", ""))
    assert {"F", "female", "M", "MALE"} <= seen["gender"] and "U" in {g.upper() for g in seen["gender"]}
    assert {"yes", "no", "1", "0", "TRUE", "false", ""} <= seen["attended"]
    types = {b.lower() for b in seen["beneficiary_type"]}
    assert {"child", "parent", "carer", "pregnant woman", "adult"} <= types
    assert mobiles and dates
