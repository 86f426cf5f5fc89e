"""Exact reach figures for a small hand-built data set, with each filter and some combinations.

Individuals after merges (p5a -> p5; q2 -> q3 arrives before q1 -> q2):

    ref  service  date        ward        attended
    p1   CAN      2024-01-10  Stockwell
    p1   CAN      2024-02-10  Stockwell
    p2   CAN      2024-03-05  Tulse Hill
    p6   CAN      2024-07-01  Stockwell   no  (never reached)
    q1   CAN      2024-08-01  Vassall         (= q3)
    p1   PINE     2024-03-20  Stockwell
    p3   PINE     2024-04-01  -
    p4   MIR      2024-05-15  Tulse Hill
    p5a  MIR      2024-06-01  Stockwell       (= p5)
    p2   MIR      2024-07-15  Tulse Hill
    p5   PC       2024-06-02  Tulse Hill
    q3   PC       2024-09-01  Vassall
"""

from datetime import date

import pytest

from leap_reporter.domain.filters import parse_filters
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.service import reach_source as reach_service

EXACT = Disclosure(enabled=False)


async def reach(pool, filters):
    return await reach_service.reach(pool, filters, EXACT)

STK, TH, VAS = ("E05014116", "Stockwell"), ("E05014121", "Tulse Hill"), ("E05014122", "Vassall")
DATA = {
    "CAN": [("p1", "2024-01-10", STK, True), ("p1", "2024-02-10", STK, True), ("p2", "2024-03-05", TH, True),
            ("p6", "2024-07-01", STK, False), ("q1", "2024-08-01", VAS, True)],
    "PINE": [("p1", "2024-03-20", STK, True), ("p3", "2024-04-01", None, True)],
    "MIR": [("p4", "2024-05-15", TH, True), ("p5a", "2024-06-01", STK, True), ("p2", "2024-07-15", TH, True)],
    "PC": [("p5", "2024-06-02", TH, True), ("q3", "2024-09-01", VAS, True)],
}
MERGES = [("p5", ["p5a"]), ("q3", ["q2"]), ("q2", ["q1"])]


@pytest.fixture
async def dataset(builder, events):
    for service, rows in DATA.items():
        records = [events.record(i, ref, date.fromisoformat(day), ward=ward, attended=attended)
                   for i, (ref, day, ward, attended) in enumerate(rows, start=2)]
        await builder.on_records_matched(events.matched(service, records))
    for survivor, merged in MERGES:
        await builder.on_beneficiary_event(events.merged(survivor, merged))
    return builder.pool


CASES = [
    ({}, 6, {"CAN": 3, "PINE": 2, "MIR": 3, "PC": 2}),
    ({"service": ["CAN"]}, 3, {"CAN": 3}),
    ({"service": ["CAN,PC"]}, 4, {"CAN": 3, "PC": 2}),
    ({"service": ["MIR", "pc"]}, 4, {"MIR": 3, "PC": 2}),  # p5a and p5 are one person
    ({"strand": "Diet & Nutrition"}, 4, {"CAN": 3, "PINE": 2}),
    ({"strand": "communication & language development"}, 3, {"MIR": 3}),
    ({"strand": "Systems Change"}, 2, {"PC": 2}),
    ({"strand": "Cross Theme"}, 0, {}),
    ({"ward": "Stockwell"}, 2, {"CAN": 1, "PINE": 1, "MIR": 1}),
    ({"ward": "e05014121"}, 3, {"CAN": 1, "MIR": 2, "PC": 1}),
    ({"ward": "TULSE HILL"}, 3, {"CAN": 1, "MIR": 2, "PC": 1}),
    ({"ward": "Vassall"}, 1, {"CAN": 1, "PC": 1}),
    ({"ward": "Coldharbour"}, 0, {}),
    ({"date_from": "2024-03-05", "date_to": "2024-06-01"}, 5, {"CAN": 1, "PINE": 2, "MIR": 2}),
    ({"date_from": "2024-06-02"}, 3, {"CAN": 1, "MIR": 1, "PC": 2}),
    ({"date_to": "2024-02-10"}, 1, {"CAN": 1}),
    ({"strand": "Diet & Nutrition", "ward": "Stockwell", "date_from": "2024-02-01"}, 1, {"CAN": 1, "PINE": 1}),
    ({"service": ["MIR", "PC"], "ward": "Tulse Hill", "date_to": "2024-06-30"}, 2, {"MIR": 1, "PC": 1}),
    ({"service": ["CAN", "MIR"], "strand": "Diet & Nutrition"}, 3, {"CAN": 3}),
    ({"service": ["MIR"], "strand": "Diet & Nutrition"}, 0, {}),
]


@pytest.mark.parametrize(("raw", "total", "per_service"), CASES, ids=[str(c[0]) for c in CASES])
async def test_reach(dataset, raw, total, per_service):
    figures = await reach(dataset, parse_filters(**raw))
    assert figures.unique_beneficiaries == total
    assert {s.service_code: s.unique_beneficiaries for s in figures.by_service} == per_service


async def test_without_the_merges_people_would_be_double_counted(builder, events):
    for service, rows in DATA.items():
        records = [events.record(i, ref, date.fromisoformat(day), ward=ward, attended=attended)
                   for i, (ref, day, ward, attended) in enumerate(rows, start=2)]
        await builder.on_records_matched(events.matched(service, records))
    assert (await reach(builder.pool, parse_filters())).unique_beneficiaries == 8
