"""Every figure on a hand-built read model, with exact expected values (suppression off), via the API.

Five people (attended contacts only):
  p1 child F born 2023-01 W1 Stockwell: CAN 2024-01-10, CAN 2024-02-10, MIR 2024-04-05
  p2 child M born 2022-06 B1 Stockwell: CAN 2024-01-20
  p3 adult, no gender/birth/ethnicity, Tulse Hill: MIR 2024-05-01 (and a contact not attended, 2024-05-02)
  p4 child F born 2024-03 W1 Vassall: PINE 2024-02-01 (before birth)
  p5 child M born 2021-01 A1 no ward: DL 2024-07-01 as p5a, DL 2024-08-01 as p5b; p5b merged into p5a
  p3 is the primary carer of p1 and p2.
"""

import uuid
from datetime import date

import httpx
import pytest

from leap_contracts.envelope import seal
from leap_contracts.events import MatchedRecord, ProblemCount, RecordsMatchedV1, RelationshipLinkedV1

from leap_reporter.app import create_app
from leap_reporter.settings import Settings

STOCKWELL, VASSALL, TULSE = ("E05000001", "Stockwell"), ("E05000002", "Vassall"), ("E05000003", "Tulse Hill")
UPLOADS = {s: uuid.uuid4() for s in ("CAN", "MIR", "PINE", "DL")}


def rec(row, ref, day, kind="child", gender=None, birth=None, eth=None, ward=None, attended=True):
    return MatchedRecord(row_number=row, individual_ref=ref, beneficiary_type=kind, birth_month=birth, gender=gender,
                         ward_code=ward[0] if ward else None, ward_name=ward[1] if ward else None, ethnicity=eth,
                         engagement_date=day, attended=attended)


def chunk(service, records, new=0):
    event = RecordsMatchedV1(upload_id=UPLOADS[service], provider_id=f"prov-{service.lower()}", service_code=service,
                             chunk_index=0, records=records, new_individuals=new,
                             matched_existing=len(records) - new)
    return seal(event, producer="matcher", correlation_id="c")


async def load(builder, events):
    p1 = dict(kind="child", gender="female", birth="2023-01", eth="W1", ward=STOCKWELL)
    p2 = dict(kind="child", gender="male", birth="2022-06", eth="B1", ward=STOCKWELL)
    p5 = dict(kind="child", gender="male", birth="2021-01", eth="A1")
    await builder.on_records_matched(chunk("CAN", [rec(2, "p1", date(2024, 1, 10), **p1),
                                                   rec(3, "p1", date(2024, 2, 10), **p1),
                                                   rec(4, "p2", date(2024, 1, 20), **p2)], new=2))
    await builder.on_records_matched(chunk("MIR", [rec(2, "p1", date(2024, 4, 5), **p1),
                                                   rec(3, "p3", date(2024, 5, 1), kind="adult", ward=TULSE),
                                                   rec(4, "p3", date(2024, 5, 2), kind="adult", ward=TULSE,
                                                       attended=False)], new=1))
    await builder.on_records_matched(chunk("PINE", [rec(2, "p4", date(2024, 2, 1), gender="female", birth="2024-03",
                                                        eth="W1", ward=VASSALL)], new=1))
    await builder.on_records_matched(chunk("DL", [rec(2, "p5a", date(2024, 7, 1), **p5),
                                                  rec(3, "p5b", date(2024, 8, 1), **p5)], new=2))
    await builder.on_beneficiary_event(events.merged("p5a", ["p5b"]))
    for child in ("p1", "p2"):
        await builder.on_beneficiary_event(seal(RelationshipLinkedV1(child_ref=child, carer_ref="p3", via=["email"]),
                                                producer="matcher", correlation_id="c"))


@pytest.fixture
async def api(db, database_url, builder, events):
    await load(builder, events)
    app = create_app(Settings(database_url=database_url, suppression=False))
    app.state.pool = db
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporter") as client:
        async def cells(name, **params):
            response = await client.get(f"/api/v1/figures/{name}", params=params)
            assert response.status_code == 200, response.text
            return {row[0]: row[2:] if len(row) > 3 else row[2] for row in response.json()["rows"]}
        client.cells = cells
        yield client


@pytest.mark.parametrize(("by", "expected"), [
    ("service", {"CAN": 2, "PINE": 1, "MIR": 2, "DL": 1, "total": 5}),
    ("strand", {"Diet & Nutrition": 3, "Communication & Language Development": 3, "total": 5}),
    ("ward", {"E05000001": 2, "E05000002": 1, "E05000003": 1, "unknown": 1, "total": 5}),
    ("beneficiary_type", {"child": 4, "adult": 1, "total": 5}),
    ("gender", {"female": 2, "male": 2, "unknown": 1, "total": 5}),
    ("ethnicity", {"W1": 2, "B1": 1, "A1": 1, "not recorded": 1, "total": 5}),
    ("age_band", {"before birth": 1, "1 year": 2, "3 years": 1, "not recorded": 1, "total": 5}),
    ("month", {"2024-01-01": 2, "2024-02-01": 2, "2024-04-01": 1, "2024-05-01": 1, "2024-07-01": 1,
               "2024-08-01": 1, "total": 5}),
    ("quarter", {"2024-01-01": 3, "2024-04-01": 2, "2024-07-01": 1, "total": 5}),
    ("year", {"2024-01-01": 5, "total": 5}),
])
async def test_reach_by_every_dimension(api, by, expected):
    assert await api.cells(f"reach-by-{by}") == expected


async def test_reach_slices_combine_engagement_and_person_filters(api):
    assert await api.cells("reach-by-service", gender="female") == {"CAN": 1, "PINE": 1, "MIR": 1, "total": 2}
    assert await api.cells("reach-by-gender", service="CAN", age_band="1 year") == {"female": 1, "male": 1, "total": 2}
    assert await api.cells("reach-by-service", beneficiary_type="adult", ward="tulse hill") == {"MIR": 1, "total": 1}
    assert await api.cells("reach-by-ward", **{"from": "2024-04-01", "to": "2024-06-30"}) == \
        {"E05000001": 1, "E05000003": 1, "total": 2}
    reach = (await api.get("/api/v1/reach", params={"ethnicity": "W1", "strand": "Diet & Nutrition"})).json()
    assert reach["unique_beneficiaries"] == 2 and {s["service_code"] for s in reach["by_service"]} == {"CAN", "PINE"}


async def test_new_beneficiaries_per_quarter_and_cumulative(api):
    assert await api.cells("new-by-quarter") == {"2024-01-01": [3, 3], "2024-04-01": [1, 4],
                                                 "2024-07-01": [1, 5]}
    assert await api.cells("new-by-quarter", service="MIR") == {"2024-04-01": [2, 2]}


async def test_engagement_patterns(api):
    assert await api.cells("services-per-individual") == {"1": 4, "2": 1, "3": 0, "4": 0, "5 or more": 0, "total": 5}
    assert await api.cells("contacts-per-individual") == {"1": 3, "2": 1, "3-5": 1, "6-10": 0, "11-20": 0,
                                                          "21 or more": 0, "total": 5}
    assert await api.cells("once-only") == {"reached": 5, "once": 3, "CAN": 1, "PINE": 1, "MIR": 1}
    assert await api.cells("families") == {"families_reached": 1, "carer_and_child_reached": 1,
                                           "children_reached_with_a_carer": 2}
    assert await api.cells("families", service="CAN") == {"families_reached": 1, "carer_and_child_reached": 0,
                                                          "children_reached_with_a_carer": 2}


async def test_overlap_between_every_pair_of_services(api):
    response = (await api.get("/api/v1/figures/overlap")).json()
    assert response["columns"] == ["key", "Service", "CAN", "PINE", "MIR", "DL"]
    assert response["rows"] == [["CAN", "CAN", 2, 0, 1, 0], ["PINE", "PINE", 0, 1, 0, 0],
                                ["MIR", "MIR", 1, 0, 2, 0], ["DL", "DL", 0, 0, 0, 1]]


async def test_data_quality_per_upload_service_and_provider(api, builder, events):
    await builder.on_upload_validated(events.validated(UPLOADS["CAN"], provider_id="prov-can", rows_total=5,
                                                       rows_accepted=3, rows_rejected=2, problems=[
        ProblemCount(code="invalid_nhs_number", column="nhs_number", severity="error", rows=2)]))
    [upload] = (await api.get("/api/v1/figures/quality-uploads")).json()["rows"]
    assert upload[2:13] == ["prov-can", "CAN", "accepted", upload[5], "2024-01-10 to 2024-02-10", 5, 3, 2, "40.0%",
                            "33.3%", 0]
    problems = (await api.get("/api/v1/figures/quality-problems", params={"upload": str(UPLOADS["CAN"])})).json()
    assert [r[4:] for r in problems["rows"]] == [["invalid_nhs_number", "nhs_number", "error", 2]]
    by_service = {r[0]: r[2:] for r in (await api.get("/api/v1/figures/quality-by-service")).json()["rows"]}
    assert by_service["CAN"][:5] == [1, 5, 2, "40.0%", "33.3%"]
    months = {r[0]: r[3:] for r in (await api.get("/api/v1/figures/quality-missing-months")).json()["rows"]}
    assert months["prov-can/CAN"][:2] == ["2024-01", "2024-02"]
    assert months["prov-dl/DL"][:2] == ["2024-07", "2024-08"]


async def test_exports_are_csv_and_xlsx(api):
    csv = await api.get("/api/v1/figures/reach-by-service", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.lstrip("\ufeff").splitlines()[:2] == ["Service,Unique beneficiaries",
                                                          "CAN Community Activity & Nutrition,2"]
    xlsx = await api.get("/api/v1/figures/overlap", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


async def test_unknown_figure_and_bad_filters(api):
    assert (await api.get("/api/v1/figures/nope")).status_code == 404
    bad = await api.get("/api/v1/figures/reach-by-ward", params={"gender": "x"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "gender"]
