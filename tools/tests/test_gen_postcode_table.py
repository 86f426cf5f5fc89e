from __future__ import annotations

import re

from leap_tools.generator.places import OTHER_WARD, PROGRAMME_WARDS, load_postcodes

UK_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}$")


def test_table_covers_the_four_wards_and_some_others():
    table = load_postcodes()
    assert set(table.by_ward) == {*PROGRAMME_WARDS, OTHER_WARD}
    for ward in PROGRAMME_WARDS:
        assert len(table.by_ward[ward]) == 10
    assert 2 <= len(table.by_ward[OTHER_WARD]) <= 5
    assert all(UK_POSTCODE.match(p) for p in table.ward_of)
    assert all(p.split()[0][:2] in ("SW", "SE") for p in table.ward_of)
