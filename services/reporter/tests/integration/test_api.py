"""The HTTP edge: /api/v1/reach answers and its validation errors, health, metrics, docs."""

from datetime import UTC, date, datetime

import httpx
import pytest

from leap_reporter.app import create_app
from leap_reporter.settings import Settings


@pytest.fixture
async def client(db, database_url):
    app = create_app(Settings(database_url=database_url, suppression=False))  # exact: the shape is under test
    app.state.pool = db  # the lifespan (Kafka consumers) is not run here
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporter") as client:
        yield client


async def test_reach_answer_shape(client, builder, events):
    await builder.on_records_matched(events.matched("CAN", [events.record(2, "a", date(2024, 4, 1)),
                                                            events.record(3, "b", date(2024, 4, 2))]))
    await builder.on_records_matched(events.matched("MIR", [events.record(2, "a", date(2024, 4, 3))]))
    response = await client.get("/api/v1/reach", params={"service": ["can", "MIR,PINE"], "from": "2024-04-01"})
    assert response.status_code == 200
    answer = response.json()
    assert answer.pop("up_to_date") is True  # no index at this size: SQL, as of now
    assert datetime.fromisoformat(answer.pop("as_of")) <= datetime.now(UTC)
    assert answer == {
        "unique_beneficiaries": 2,
        "suppressed": False,
        "by_service": [
            {"service_code": "CAN", "service_name": "Community Activity & Nutrition",
             "strand": "Diet & Nutrition", "unique_beneficiaries": 2},
            {"service_code": "MIR", "service_name": "Making it REAL",
             "strand": "Communication & Language Development", "unique_beneficiaries": 1},
        ],
        "filters": {"service": ["CAN", "MIR", "PINE"], "strand": None, "ward": None, "from": "2024-04-01", "to": None,
                    "beneficiary_type": None, "gender": None, "ethnicity": None, "age_band": None},
        "not_yet_counted": {"uploads": 0, "events": 0},
        "as_at": None,  # no past moment asked for
        "linkage": {"published": "exact", "tolerant_running": False, "exact": 2, "tolerant": None,
                    "difference": None, "exact_over_count": None,
                    "note": "tolerant linkage is not running (MATCHER_TOLERANT_LINKING and REPORTER_TOLERANT_LINKING "
                            "are off): published reach can only use exact linkage"},
    }


async def test_empty_read_model_answers_zero(client):
    response = await client.get("/api/v1/reach")
    assert response.status_code == 200
    assert response.json()["unique_beneficiaries"] == 0 and response.json()["by_service"] == []


@pytest.mark.parametrize(("params", "param", "words"), [
    ({"service": "XYZ"}, "service", "unknown service code(s) XYZ"),
    ({"strand": "Nutrition"}, "strand", "unknown strand 'Nutrition'"),
    ({"from": "2024-02-30"}, "from", "'2024-02-30' is not a date; use YYYY-MM-DD"),
    ({"to": "31/03/2024"}, "to", "'31/03/2024' is not a date"),
    ({"from": "2024-04-02", "to": "2024-04-01"}, "from", "'from' (2024-04-02) is after 'to' (2024-04-01)"),
])
async def test_bad_filters_are_422_with_a_clear_message(client, params, param, words):
    response = await client.get("/api/v1/reach", params=params)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", param] and words in problem["msg"] and problem["type"] == "invalid_filter"


async def test_health_metrics_and_docs(client):
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    ready = await client.get("/health/ready")
    assert ready.status_code == 503  # no broker in this test
    assert ready.json()["checks"] == {"database": True, "broker": False}
    await client.get("/api/v1/reach")
    assert "reach_query_seconds_count 1.0" in (await client.get("/metrics")).text
    assert (await client.get("/docs")).status_code == 200
    spec = (await client.get("/openapi.json")).json()
    assert {p["name"] for p in spec["paths"]["/api/v1/reach"]["get"]["parameters"]} == \
        {"service", "strand", "ward", "from", "to", "beneficiary_type", "gender", "ethnicity", "age_band", "suppression",
         "consistency", "as_at"}
