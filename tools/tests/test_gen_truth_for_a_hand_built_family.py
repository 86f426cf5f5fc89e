"""A family built by hand: twins that collapse under the child-key rule, an
adult split over services and bridged later, placeholders and junk."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from leap_tools.generator.identifiers import nhs_number_for
from leap_tools.generator.layout import plan_layouts
from leap_tools.generator.model import Row
from leap_tools.generator.places import load_postcodes
from leap_tools.generator.truth import Truth

D24, D25 = dt.date(2024, 5, 1), dt.date(2025, 3, 1)
TWIN_DOB, ZOE_DOB = dt.date(2023, 2, 14), dt.date(2021, 7, 9)
MUM_EMAIL, MUM_MOBILE = "grace.okafor1@gmail.com", "07912345678"
MUM, TWIN1, TWIN2, ZOE = 1, 2, 3, 4


def _adult(service, prid, day, **ids) -> Row:
    return Row(service, MUM, "adult", "parent", prid, day, **ids)


def _child(service, person, prid, first, dob, **ids) -> Row:
    return Row(service, person, "child", "child", prid, D25, first_name=first, dob=dob,
               gender="female", **ids)


def family() -> list[Row]:
    return [
        _adult("CLM", "CLM1", D24, nhs=nhs_number_for(MUM), postcode="SW9 9AE"),
        _adult("CLM", "CLM1", D24, nhs=nhs_number_for(MUM)),
        _adult("CAN", "CAN1", D24, mobile=MUM_MOBILE),          # mobile only
        _adult("CAN", "CAN1", D24),                              # linked by prid
        _adult("FN", "FN1", D24, email=MUM_EMAIL),               # e-mail only: a 2nd individual
        _adult("LIHL", "LIHL1", D25, email=MUM_EMAIL, mobile=MUM_MOBILE),  # bridges CAN and FN
        # twins, same gender and same first three letters: one child key in DL
        _child("DL", TWIN1, "DL1", "Amelia", TWIN_DOB, carer_email=MUM_EMAIL),
        _child("DL", TWIN2, "DL2", "Amelie", TWIN_DOB, carer_email=MUM_EMAIL),
        # ... but two NHS numbers in SLTE, and a junk NHS number in SLTC
        _child("SLTE", TWIN1, "S1", "Amelia", TWIN_DOB, nhs=nhs_number_for(TWIN1)),
        _child("SLTE", TWIN2, "S2", "Amelie", TWIN_DOB, nhs=nhs_number_for(TWIN2)),
        _child("SLTC", TWIN1, "SC1", "Amelia", TWIN_DOB, nhs="0000000000"),
        # a sibling: own key in DL; a placeholder carer e-mail in OHST never links
        _child("DL", ZOE, "DL3", "Zoë", ZOE_DOB, carer_email=MUM_EMAIL, postcode="SE24 0AB"),
        _child("OHST", ZOE, "O1", "Zoë", ZOE_DOB, carer_email="noemail@nhs.net"),
        Row("NT", ZOE, "child", "child", "N1", D25, dob=ZOE_DOB, gender="female",
            carer_email=MUM_EMAIL, defect="missing_first_name"),
    ]


def _truth(rows: list[Row]) -> dict:
    truth = Truth(load_postcodes())
    truth.add_family(rows)
    return truth.to_json(plan_layouts(1, "csv", 100), {})


def test_individuals_follow_the_rules_not_the_people():
    t = _truth(family())
    # mum: CLM (NHS only) + {CAN, FN, LIHL}; twins: DL (collapsed), SLTE x2, SLTC; Zoë: DL, OHST
    assert t["unique_beneficiaries"] == 8
    assert t["unique_beneficiaries_by_type"] == {"adult": 2, "child": 6}
    nonzero = {k: v for k, v in t["by_service"].items() if v}
    assert nonzero == {"CLM": 1, "CAN": 1, "FN": 1, "LIHL": 1, "DL": 2, "SLTE": 2, "SLTC": 1, "OHST": 1}
    assert t["by_year"] == {"2024": 2, "2025": 7}
    assert {k: v for k, v in t["by_ward"].items() if v} == {"Stockwell": 1, "Tulse Hill": 1}
    assert t["by_number_of_services"] == {"1": 7, "3": 1}
    assert t["service_overlap"] == {"CAN+FN": 1, "CAN+LIHL": 1, "FN+LIHL": 1}
    diag = t["diagnostics"]
    assert diag["people_with_accepted_rows"] == 4
    assert diag["people_split_over_several_individuals"] == 4
    assert diag["individuals_joining_several_people"] == 1


def test_rejections_and_warnings_are_counted_per_file():
    files = _truth(family())["files"]
    assert files["NT.csv"]["rejected_by_reason"]["missing_first_name"] == 1
    assert files["NT.csv"]["rejected_by_column"]["first_name"] == 1
    assert files["NT.csv"]["accepted"] == 0
    assert files["SLTC.csv"]["warnings_by_kind"]["junk_nhs_number"] == 1
    assert files["OHST.csv"]["warnings_by_kind"]["placeholder_email"] == 1
    assert sum(f["rejected"] for f in files.values()) == 1


def test_without_the_bridge_the_adult_counts_three_times():
    rows = [r for r in family() if r.service != "LIHL"]
    t = _truth(rows)
    assert t["unique_beneficiaries_by_type"]["adult"] == 3


def test_different_gender_twins_do_not_collapse():
    rows = family()
    rows[7].gender = "male"
    assert _truth(rows)["unique_beneficiaries"] == 9


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False))
def test_row_order_never_changes_the_truth(rnd: random.Random):
    rows = family()
    rnd.shuffle(rows)
    shuffled = _truth(rows)
    assert shuffled == _truth(family())
