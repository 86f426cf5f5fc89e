import uuid
from datetime import date
from pathlib import Path

import pytest

from leap_contracts.envelope import decode, open_envelope, seal
from leap_contracts.events import RecordsValidatedV1, ValidatedRecord
from leap_contracts.pseudonymisation import Tokeniser
from leap_pseudonymiser import bootstrap
from leap_pseudonymiser.adapters import ward_lookup
from leap_pseudonymiser.adapters.onspd_file import read_onspd
from leap_pseudonymiser.service.handlers import Pseudonymiser

pytestmark = pytest.mark.integration
DEMO_ONSPD = Path(__file__).resolve().parents[4] / "deploy" / "reference" / "onspd-demo.csv"


def envelope(email: str = "someone@home.net"):
    record = ValidatedRecord(row_number=2, provider_record_id="A1", beneficiary_type="adult", email=email,
                             postcode="SW9 7AB", engagement_date=date(2024, 5, 1))
    event = RecordsValidatedV1(upload_id=uuid.uuid4(), provider_id="p", service_code="CAN", chunk_index=0, records=[record])
    return seal(event, producer="test", correlation_id=str(event.upload_id))


async def test_chunk_is_tokenised_once_and_carries_no_clear_value(pool):
    async with pool.acquire() as conn:
        await ward_lookup.load(conn, [("SW9 7AB", "E05000425", "Stockwell")])
    handlers = bootstrap.handlers(pool, Pseudonymiser(Tokeniser(bytes(32) + b"x", "k1")))
    message = envelope()
    await handlers.deliver(message)
    await handlers.deliver(message)  # redelivery
    rows = await pool.fetch("SELECT topic, key, value FROM outbox")
    assert len(rows) == 1 and rows[0]["topic"] == "records.pseudonymised.v1"
    assert b"someone@home.net" not in rows[0]["value"] and b"SW9 7AB" not in rows[0]["value"]
    event = open_envelope(decode(rows[0]["value"]))
    assert event.records[0].ward_name == "Stockwell" and event.key_id == "k1"
    assert rows[0]["key"] == f"{event.upload_id}:0"  # keyed by chunk: a large upload spreads over the partitions


@pytest.mark.skipif(not DEMO_ONSPD.exists(), reason="demo ONSPD table not present")
async def test_demo_onspd_table_loads(pool):
    async with pool.acquire() as conn:
        assert await ward_lookup.load(conn, read_onspd(DEMO_ONSPD)) > 0
