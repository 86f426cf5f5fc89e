from datetime import date, datetime, time

import pytest

from leap_uploader.domain.cells import cell_text


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), ("", ""), ("abc", "abc"),
    (9434765919.0, "9434765919"), (3, "3"), (2.5, "2.5"),
    (True, "true"), (False, "false"),
    (date(2021, 3, 4), "2021-03-04"), (datetime(2024, 5, 12, 10, 30), "2024-05-12"),
    (time(9, 30), "09:30:00"),
])
def test_cells_read_as_a_csv_export_would(value: object, text: str) -> None:
    assert cell_text(value) == text
