"""Engagement columns of the reach index: grouping into cells and filtering rows (pure, no I/O)."""

from datetime import date

import numpy as np
from pyroaring import BitMap

from leap_reporter.domain.contact_rows import ContactRows, day_number, to_bitmap, to_ids


def rows() -> ContactRows:
    days = [day_number(d) for d in (date(2024, 1, 1), date(2024, 1, 1), date(1969, 12, 31), date(2024, 3, 5))]
    return ContactRows(person=np.array([3, 1, 2, 3], dtype=np.int32), service=np.array([1, 1, 0, 1], dtype=np.int16),
                       ward=np.array([0, 0, 1, 1], dtype=np.int16), day=np.array(days, dtype=np.int32),
                       services=("CAN", "MIR"), wards=("", "E1"))


def test_cells_group_people_by_service_ward_and_day():
    cells = {(s, w, d): sorted(ids.tolist()) for s, w, d, ids in rows().cells()}
    assert cells == {("MIR", "", date(2024, 1, 1)): [1, 3], ("CAN", "E1", date(1969, 12, 31)): [2],
                     ("MIR", "E1", date(2024, 3, 5)): [3]}


def test_keep_applies_every_filter():
    r = rows()
    assert r.keep(None, None, None, None, None, 3).tolist() == [True] * 4
    assert r.keep(("MIR", "PINE"), None, None, None, None, 3).tolist() == [True, True, False, True]
    assert r.keep(None, ["E1"], date(2024, 1, 1), None, None, 3).tolist() == [False, False, False, True]
    assert r.keep(None, [], None, None, None, 3).tolist() == [False] * 4
    assert r.keep(None, None, None, date(2024, 1, 1), BitMap([3]), 3).tolist() == [True, False, False, False]


def test_bitmaps_round_trip_through_arrays():
    assert to_bitmap(np.array([5, 1, 5], dtype=np.int32)) == BitMap([1, 5])
    assert to_ids(BitMap([2, 7])).tolist() == [2, 7]
