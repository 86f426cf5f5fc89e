"""The revision report (issue 17): a hand-computed example (exact figures, a deployment without suppression), and
suppression of revision cells (a difference never gives back a suppressed cell)."""

import uuid
from datetime import date, timedelta

import httpx
import pytest

from leap_contracts.envelope import seal
from leap_contracts.events import IndividualSplitV1, RecordsWithdrawnV1
from leap_contracts.events.beneficiaries import RecordRef, SplitPart

from leap_reporter.app import create_app
from leap_reporter.settings import Settings

ANALYST = "analyst-token-for-revisions"
Q4 = {"name": "Q4 funder return", "from": "2024-01-01", "to": "2024-03-31"}


@pytest.fixture
async def make_client(db, database_url):
    clients = []

    async def make(**settings):
        app = create_app(Settings(database_url=database_url, analyst_token=ANALYST, admin_token="admin-rev",
                                  **settings))
        app.state.pool = db  # the lifespan (Kafka) is not run here
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporter",
                                   headers={"Authorization": f"Bearer {ANALYST}"})
        clients.append(client)
        return client
    yield make
    for client in clients:
        await client.aclose()


def sealed(event):
    return seal(event, producer="matcher", correlation_id="c")


def rows(events, refs, day, first_row=2):
    return [events.record(first_row + i, ref, day + timedelta(days=i % 20)) for i, ref in enumerate(refs)]


def by_service(report) -> dict:
    figure = next(f for f in report["figures"] if f["name"] == "reach-by-service")
    return {c["row"]: (c["published"], c["current"], c["difference"], c["late_uploads"],
                       c["withdrawn_or_replaced"], c["merges_and_splits"]) for c in figure["cells"]}


async def test_revision_counts_match_a_hand_computed_example(make_client, builder, events):
    """At publication: CAN a0..a19 (a19 twice), MIR a0..a4 and b0..b9: CAN 20, MIR 15, total 30. Since: PINE added
    late (c0..c7, a0, a1); MIR's file replaced by one with b0..b9 and d0..d2 (a0..a4 gone); d0..d2 found to be a5
    and b0 to be b1; a19's second record split off as another person.

    Steps (CAN, MIR, PINE, total): published 20, 15, 0, 30; + late uploads (PINE and MIR's new file beside its
    old one) 20, 18, 10, 41; - replaced or withdrawn (MIR's old file) 20, 13, 10, 41; merges and splits (now)
    21, 10, 10, 38."""
    client = await make_client(suppression=False)
    can, mir, mir2, pine = (uuid.uuid4() for _ in range(4))
    jan, feb, mar = date(2024, 1, 3), date(2024, 2, 3), date(2024, 3, 3)
    await builder.on_records_matched(events.matched("CAN", rows(events, [f"a{i}" for i in range(20)] + ["a19"], jan),
                                                    upload_id=can))
    await builder.on_records_matched(events.matched(
        "MIR", rows(events, [f"a{i}" for i in range(5)] + [f"b{i}" for i in range(10)], feb), upload_id=mir))
    published = (await client.post("/api/v1/publications", json=Q4)).json()

    await builder.on_records_matched(events.matched("PINE", rows(events, [f"c{i}" for i in range(8)] + ["a0", "a1"],
                                                                 mar), upload_id=pine))
    await builder.on_records_matched(events.matched(
        "MIR", rows(events, [f"b{i}" for i in range(10)] + ["d0", "d1", "d2"], feb), upload_id=mir2))
    await builder.on_records_matched(sealed(RecordsWithdrawnV1(upload_id=mir, provider_id="prov-1",
                                                               service_code="MIR", records=15, replaced_by=mir2)))
    await builder.on_beneficiary_event(events.merged("a5", ["d0", "d1", "d2"]))
    await builder.on_beneficiary_event(events.merged("b1", ["b0"]))
    await builder.on_beneficiary_event(sealed(IndividualSplitV1(
        individual_ref="a19", reason="identifier_quarantined", upload_id=can,
        parts=[SplitPart(individual_ref="a19x", records=[RecordRef(upload_id=can, row_number=22)])])))

    answer = await client.get(published["links"]["revisions"])
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["steps"] == ["late_uploads", "withdrawn_or_replaced", "merges_and_splits"]
    assert by_service(report) == {  # published, current, difference, and its three parts
        "CAN": (20, 21, 1, 0, 0, 1), "MIR": (15, 10, -5, 3, -5, -3), "PINE": (0, 10, 10, 10, 0, 0),
        "total": (30, 38, 8, 11, 0, -3)}
    assert report["individuals"] == {"merged": 4, "split": 1}
    figure = next(f for f in report["figures"] if f["name"] == "reach-by-service")
    assert figure["reproduced"] is True and figure["changed"] is True
    added = {(u["upload_id"], u["service_code"], u["replaces"]) for u in figure["uploads"]["added_late"]}
    assert added == {(str(pine), "PINE", None), (str(mir2), "MIR", str(mir))}
    ended = [(u["upload_id"], u["service_code"], u["records"], u["replaced_by"])
             for u in figure["uploads"]["withdrawn_or_replaced"]]
    assert ended == [(str(mir), "MIR", 15, str(mir2))]
    overlap = next(f for f in report["figures"] if f["name"] == "overlap")
    cell = next(c for c in overlap["cells"] if (c["row"], c["column"]) == ("CAN", "MIR"))
    assert (cell["published"], cell["current"]) == (5, 1)  # a0..a4 then; a5 (through d0..d2) now
    assert "prov-1" in str(report) and "a19x" not in str(report)  # uploads named, people never


async def test_revision_cells_are_suppressed_with_the_figures_they_join(make_client, builder, events):
    client = await make_client()  # suppression on: threshold 7, rounding to 5
    jan = date(2024, 1, 3)
    await builder.on_records_matched(events.matched("CAN", rows(events, [f"x{i}" for i in range(30)], jan)))
    await builder.on_records_matched(events.matched("MIR", rows(events, [f"y{i}" for i in range(5)], jan)))
    published = (await client.post("/api/v1/publications", json=Q4)).json()
    await builder.on_records_matched(events.matched("MIR", rows(events, [f"z{i}" for i in range(20)], jan)))
    await builder.on_beneficiary_event(events.merged("x0", ["x1"]))
    await builder.on_beneficiary_event(events.merged("x2", ["x3"]))

    report = (await client.get(published["links"]["revisions"])).json()
    cells = by_service(report)
    # MIR's 5 is suppressed (primary), CAN's 30 with it (secondary): their differences would give them back.
    assert cells["MIR"][:4] == ("*", 25, "*", "*") and cells["CAN"][:4] == ("*", 30, "*", "*")
    assert cells["total"][:3] == (35, 55, 20)
    assert report["individuals"]["merged"] == "*"  # two: a small number
    for figure in report["figures"]:
        for cell in figure["cells"]:
            if "*" in (cell["published"], cell["current"]):
                assert cell["difference"] == "*", (figure["name"], cell)
            if cell["published"] == "*":
                assert cell["late_uploads"] == "*", (figure["name"], cell)
            if cell["current"] == "*":
                assert cell["merges_and_splits"] == "*", (figure["name"], cell)
