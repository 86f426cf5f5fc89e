import uuid
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from leap_matcher.domain.enrichment import ATTRIBUTES, candidate, combine, combine_records
from leap_matcher.domain.junk import JunkRule
from leap_matcher.domain.split import StoredRecord, split_parts

U1, U2 = "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"


def row(n, day, **attributes):
    return {"row_number": n, "engagement_date": date(2024, 1, day), **attributes}


def test_latest_engagement_wins_and_keeps_its_source():
    got = combine([candidate(row(2, 5, gender="male"), U1), candidate(row(3, 9, gender="female"), U1)])
    assert got["gender"] == {"value": "female", "upload_id": U1, "row_number": 3, "engagement_date": "2024-01-09"}


def test_a_missing_value_never_overwrites():
    got = combine([candidate(row(2, 5, ethnicity="A1"), U1), candidate(row(3, 9, ethnicity=None), U1)])
    assert got["ethnicity"]["value"] == "A1"


def test_ties_break_by_upload_then_row_whatever_the_order():
    a, b, c = candidate(row(2, 5, gender="male"), U1), candidate(row(2, 5, gender="female"), U2), \
        candidate(row(7, 5, gender="other"), U1)
    assert combine([a, b, c])["gender"]["value"] == combine([c, b, a])["gender"]["value"] == "female"


def test_stored_attributes_take_part_like_records():
    stored = combine([candidate(row(2, 20, first_language="Welsh"), U1)])
    assert combine([stored, candidate(row(9, 3, first_language="Urdu"), U2)])["first_language"]["value"] == "Welsh"


_values = st.one_of(st.none(), st.sampled_from(["x", "y", "z"]))
_rows = st.lists(st.builds(lambda n, day, values: row(n, day, **dict(zip(ATTRIBUTES, values))),
                           st.integers(2, 9), st.integers(1, 28), st.tuples(*[_values] * len(ATTRIBUTES))),
                 max_size=8, unique_by=lambda r: r["row_number"])


@given(stored=_rows, new=_rows)
def test_combine_records_is_combine_over_the_records_statements(stored, new):
    before = combine(candidate(r, U1) for r in stored)
    expected = combine([before, *(candidate(r, U2) for r in new)])
    assert combine_records([before], new, U2) == expected


def rec(n, day, *tokens, upload=uuid.UUID(U1)):
    return StoredRecord(upload, n, date(2024, 1, day), tuple(tokens))


def test_split_keeps_the_part_with_the_oldest_record_first():
    parts = split_parts([rec(2, 9, b"a"), rec(3, 1, b"b"), rec(4, 5, b"a", b"c")], not_linking=set())
    assert [[r.row_number for r in p] for p in parts] == [[3], [4, 2]]


def test_not_linking_tokens_are_ignored_and_a_record_without_tokens_stands_alone():
    parts = split_parts([rec(2, 1, b"j"), rec(3, 2, b"j"), rec(4, 3)], not_linking={b"j"})
    assert [[r.row_number for r in p] for p in parts] == [[2], [3], [4]]


def test_junk_thresholds():
    rule = JunkRule(max_birth_months=2, max_providers=3)
    assert not rule.is_junk({"2020-01", "2020-02"}, {"p"})
    assert rule.is_junk({"2020-01", "2020-02", "2021-01"}, {"p"})
    assert rule.is_junk(set(), {"a", "b", "c", "d"})

