"""The file walk and file-level limits; the row rules themselves are tested in the contracts."""

import pytest

from leap_uploader.domain.validation import FileRejected, Tally, rejection_reason, validate_rows

HEADER = ["provider_record_id", "beneficiary_type", "engagement_date", "date_of_birth", "gender", "first_name"]
GOOD_CHILD = ["P1", "child", "2024-05-12", "04/03/2021", "F", "Amy"]
GOOD_ADULT = ["P2", "adult", "12/05/2024", "", "", ""]
BAD = ["", "alien", "someday", "", "", ""]


def run(rows: list[list[str]], chunk_size: int = 2):
    chunks, problems = [], []
    tally = validate_rows(list(enumerate(rows, 1)), chunk_size=chunk_size,
                          emit_chunk=lambda i, records: chunks.append((i, records)), emit_problems=problems.extend)
    return tally, chunks, problems


def test_accepted_rows_are_chunked_and_keep_their_file_row_numbers() -> None:
    tally, chunks, problems = run([HEADER, GOOD_CHILD, GOOD_ADULT, BAD, GOOD_CHILD])
    assert (tally.rows_total, tally.rows_accepted, tally.rows_rejected, tally.chunk_count) == (4, 3, 1, 2)
    assert [i for i, _ in chunks] == [0, 1]
    assert [r.row_number for _, records in chunks for r in records] == [2, 3, 5]
    assert {p.row for p in problems} == {4}
    assert tally.problems[("missing_value", "provider_record_id", "error")] == 1


def test_blank_rows_are_skipped_and_not_counted() -> None:
    tally, chunks, _ = run([HEADER, ["", " ", ""], GOOD_CHILD, [], GOOD_ADULT])
    assert tally.rows_total == 2
    assert [r.row_number for _, records in chunks for r in records] == [3, 5]


def test_unknown_columns_are_warned_about_on_the_header_row_and_never_read() -> None:
    tally, chunks, problems = run([HEADER + ["Notes"], GOOD_CHILD + ["secret"]])
    assert [(p.row, p.column, p.code, p.severity) for p in problems] == [(1, "Notes", "unknown_column", "warning")]
    assert "secret" not in repr(chunks)
    assert tally.problems[("unknown_column", None, "warning")] == 1


def test_bad_header_rejects_the_file_with_the_contract_message() -> None:
    with pytest.raises(FileRejected, match="header row cannot be used: the header lacks required column"):
        run([["name", "dob"], ["x", "y"]])


def test_empty_file_is_rejected() -> None:
    with pytest.raises(FileRejected, match="no rows"):
        run([[], [""]])


def test_problem_messages_and_reasons_hold_no_cell_values() -> None:
    row = ["P-SECRET", "child", "2024-13-45", "99/99/2021", "Q", "Zed"]
    _, _, problems = run([HEADER, row])
    text = " ".join(p.message for p in problems)
    assert problems and not any(v in text for v in ("P-SECRET", "2024-13-45", "99/99/2021", "Zed"))


@pytest.mark.parametrize(("total", "rejected", "share", "expected"), [
    (10, 5, 0.5, None),
    (10, 6, 0.5, "6 of 10 rows (60%) have errors, more than the 50% allowed"),
    (10, 10, 1.0, "None of the 10 rows passed validation"),
    (0, 0, 0.5, "header row but no data rows"),
    (4, 1, 0.2, "1 of 4 rows (25%)"),
])
def test_rejection_reason(total: int, rejected: int, share: float, expected: str | None) -> None:
    tally = Tally(rows_total=total, rows_accepted=total - rejected, rows_rejected=rejected)
    reason = rejection_reason(tally, share)
    if expected is None:
        assert reason is None
    else:
        assert expected in reason and reason.endswith(".") and reason.count(". ") == 0
