import uuid
from datetime import date

import pytest

from leap_contracts.envelope import decode, open_envelope, seal
from leap_contracts.events import (
    AtSourceRejectedV1,
    IdentifierTokens,
    PseudonymisedRecord,
    RecordsPseudonymisedAtSourceV1,
    RecordsPseudonymisedV1,
    RecordsValidatedV1,
    ValidatedRecord,
)
from leap_contracts.pseudonymisation import SPEC_VERSION, Tokeniser
from leap_pseudonymiser import bootstrap
from leap_pseudonymiser.service.handlers import Pseudonymiser

pytestmark = pytest.mark.integration
CURRENT, PREVIOUS = Tokeniser(b"c" * 32, "k2"), Tokeniser(b"p" * 32, "k1")


def chunk(key_id: str, kcv: str):
    record = PseudonymisedRecord(row_number=2, beneficiary_type="adult", engagement_date=date(2025, 1, 1),
                                 tokens=IdentifierTokens(provider_record_id="a" * 64))
    event = RecordsPseudonymisedAtSourceV1(upload_id=uuid.uuid4(), provider_id="p", service_code="DL", chunk_index=0,
                                           spec_version=SPEC_VERSION, key_id=key_id, key_check_value=kcv, records=[record])
    return seal(event, producer="uploader", correlation_id=str(event.upload_id))


async def test_at_source_chunk_is_forwarded_or_refused_once(pool):
    handlers = bootstrap.handlers(pool, Pseudonymiser(CURRENT, [PREVIOUS]))
    good, bad = chunk("k1", PREVIOUS.key_check_value), chunk("k2", PREVIOUS.key_check_value)
    for message in (good, good, bad, bad):  # redeliveries are skipped
        await handlers.deliver(message)
    rows = await pool.fetch("SELECT topic, key, value FROM outbox ORDER BY id")
    assert [r["topic"] for r in rows] == ["records.pseudonymised.v1", "uploads.at-source-rejected.v1"]
    forwarded, refused = (open_envelope(decode(r["value"])) for r in rows)
    assert isinstance(forwarded, RecordsPseudonymisedV1) and forwarded.key_id == "k1"
    assert isinstance(refused, AtSourceRejectedV1) and refused.code == "key_check_value_mismatch"
    assert rows[0]["key"] == f"{forwarded.upload_id}:0" and rows[1]["key"] == str(refused.upload_id)


async def test_validated_records_carry_linking_tokens_during_rotation(pool):
    handlers = bootstrap.handlers(pool, Pseudonymiser(CURRENT, [PREVIOUS]))
    record = ValidatedRecord(row_number=2, provider_record_id="A1", beneficiary_type="adult", email="xavier@home.net",
                             engagement_date=date(2025, 1, 1))
    event = RecordsValidatedV1(upload_id=uuid.uuid4(), provider_id="p", service_code="DL", chunk_index=0, records=[record])
    await handlers.deliver(seal(event, producer="t", correlation_id="c"))
    out = open_envelope(decode(await pool.fetchval("SELECT value FROM outbox")))
    assert out.key_id == "k2" and out.records[0].tokens.email == CURRENT.email("xavier@home.net")
    assert out.records[0].linking_tokens[0].tokens.email == PREVIOUS.email("xavier@home.net")
