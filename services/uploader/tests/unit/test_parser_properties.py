"""Property tests of the CSV reader: whatever cells are written, in any supported encoding, come back."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from leap_uploader.adapters.file_readers import csv_rows
from leap_uploader.domain.validation import FileRejected

cp1252_text = st.text(alphabet=st.sampled_from(list("abcXYZ 019,;\"'\n\r-=@éü£€–’")), max_size=15)
grid = st.lists(st.lists(cp1252_text, min_size=1, max_size=5), min_size=1, max_size=8)


def write(rows, encoding: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


@settings(max_examples=150, deadline=None)
@given(grid, st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_cells_round_trip_in_every_supported_encoding(rows, encoding):
    data = write(rows, encoding)
    parsed = list(csv_rows(io.BytesIO(data)))
    assert [cells for _, cells in parsed] == rows
    assert [n for n, _ in parsed] == list(range(1, len(parsed) + 1))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_either_parse_or_are_rejected_with_one_sentence(data):
    try:
        for number, cells in csv_rows(io.BytesIO(data)):
            assert number >= 1 and all(isinstance(c, str) for c in cells)
    except FileRejected as rejected:
        assert rejected.reason.endswith(".") and "\n" not in rejected.reason
