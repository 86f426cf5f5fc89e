"""The column-wise path gives exactly what the row-by-row reference gives: tally, problems, record bytes."""

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from leap_contracts.dataset import COLUMNS
from leap_contracts.envelope import encode
from leap_contracts.events import RecordsValidatedV1
from leap_uploader.domain import fast_validation
from leap_uploader.domain.fast_validation import validate_rows_to_json
from leap_uploader.domain.validation import FileRejected, validate_rows
from leap_uploader.domain.wire import validated_chunk_payload

SAMPLES = {
    "provider_record_id": ["P1", " P2 ", "", "x" * 64, "y" * 65, "Zoë", 'a"b\\c', "\x01\u2028"],
    "beneficiary_type": ["child", "adult", "Parent", " CARER ", "pregnant woman", "alien", ""],
    "nhs_number": ["", "943 476 5919", "9434765919", "943-476-5918", "1234567890", "12", "９４３４７６５９１９"],
    "first_name": ["", "Amy", " zoë ", "'", "\t"],
    "last_name": ["", "Smith"],
    "date_of_birth": ["", "2021-03-01", "01/03/2021", "2021-02-30", "0001-01-01", "2021-3-1", "２０２１-03-01", " 2021-03-01 "],
    "gender": ["", "F", "male", " Other ", "unknown", "x", "U"],
    "email": ["", "a@b.uk", " A@B.UK ", "noemail@x.com", "a@b", "@", "a b@c.uk"],
    "mobile": ["", "07700 900123", "+447700900123", "07000000000", "0207 946 0000", "07777777777", "abc"],
    "primary_carer_email": ["", "c@d.org", "none@example.com", "bad"],
    "primary_carer_mobile": ["", "07700900456", "12345"],
    "postcode": ["", "SW9 7AB", "sw97ab", "XX", " se5 0ny "],
    "ethnicity": ["", "A1", "Black, British"],
    "first_language": ["", "English"],
    "engagement_date": ["", "2024-05-12", "12/05/2024", "2024-13-01", "soon"],
    "engagement_type": ["", "group", " one-to-one "],
    "attended": ["", "yes", "N", "TRUE", "0", "maybe"],
}
NAMES = [*COLUMNS, "Notes"]


def reference(rows, chunk_size):
    chunks, problems = [], []
    tally = validate_rows(rows, chunk_size=chunk_size, emit_chunk=lambda i, r: chunks.append((i, r)),
                          emit_problems=problems.extend)
    return tally, problems, chunks


def fast(rows, chunk_size):
    chunks, problems = [], []
    tally = validate_rows_to_json(rows, chunk_size=chunk_size, emit_chunk=lambda i, r: chunks.append((i, r)),
                                  emit_problems=problems.extend)
    return tally, problems, chunks


def same_bytes(upload_id, ref_chunks, fast_chunks) -> None:
    assert [i for i, _ in ref_chunks] == [i for i, _ in fast_chunks]
    event_id = uuid.uuid4()
    for (index, records), (_, written) in zip(ref_chunks, fast_chunks):
        event = RecordsValidatedV1(upload_id=upload_id, provider_id="prov", service_code="CAN",
                                   chunk_index=index, records=records)
        old = encode(event, producer="uploader", correlation_id="c", event_id=event_id)
        new = encode(validated_chunk_payload(upload_id, "prov", "CAN", index, written), model=RecordsValidatedV1,
                     producer="uploader", correlation_id="c", event_id=event_id)
        cut = old.index(b'"producer"')  # occurred_at is the clock's
        assert old[cut:] == new[new.index(b'"producer"'):]


cell = st.one_of(st.sampled_from(sorted({v for values in SAMPLES.values() for v in values})),
                 st.text(max_size=6))
header = st.lists(st.sampled_from(NAMES), min_size=0, max_size=18, unique=True).map(
    lambda names: ["provider_record_id", "beneficiary_type", "engagement_date", *names])


@st.composite
def files(draw):
    names = list(dict.fromkeys(draw(header)))
    typed = st.lists(st.one_of(*(st.sampled_from(SAMPLES.get(n, [""])) for n in names), cell),
                     min_size=0, max_size=len(names) + 2)
    plausible = st.tuples(*(st.sampled_from(SAMPLES.get(n, ["", "x"])) for n in names)).map(list)
    body = draw(st.lists(st.one_of(plausible, plausible, plausible, typed), max_size=40))
    return [names, *body]


@settings(max_examples=400, deadline=None)
@given(files(), st.integers(min_value=1, max_value=7), st.integers(min_value=1, max_value=9))
def test_same_result_as_row_by_row(rows, chunk_size, block):
    numbered = list(enumerate(rows, 1))
    old_block, fast_validation.BLOCK = fast_validation.BLOCK, block
    try:
        ref_tally, ref_problems, ref_chunks = reference(numbered, chunk_size)
        new_tally, new_problems, new_chunks = fast(numbered, chunk_size)
    finally:
        fast_validation.BLOCK = old_block
    assert new_tally == ref_tally
    assert new_problems == ref_problems
    same_bytes(uuid.uuid4(), ref_chunks, new_chunks)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=4), max_size=5), max_size=6))
def test_any_cells_same_result_or_same_refusal(rows):
    rows = [["provider_record_id", "beneficiary_type", "engagement_date", "gender"], *rows]
    numbered = list(enumerate(rows, 1))
    ref_tally, ref_problems, ref_chunks = reference(numbered, 2)
    new_tally, new_problems, new_chunks = fast(numbered, 2)
    assert (new_tally, new_problems) == (ref_tally, ref_problems)
    same_bytes(uuid.uuid4(), ref_chunks, new_chunks)


def test_header_refusals_are_the_reference_ones():
    for rows in ([], [[""], ["  "]], [["name", "dob"], ["x", "y"]]):
        numbered = list(enumerate(rows, 1))
        try:
            reference(numbered, 2)
        except FileRejected as expected:
            try:
                fast(numbered, 2)
            except FileRejected as got:
                assert got.reason == expected.reason
            else:
                raise AssertionError("the fast path accepted a file the reference refuses")
