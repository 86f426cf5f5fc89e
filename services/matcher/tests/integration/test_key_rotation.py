"""During a key rotation, records tokenised under the previous key link to records carrying linking tokens."""

import uuid
from datetime import date

import pytest

from leap_contracts.envelope import seal
from leap_contracts.events import IdentifierTokens, KeyedTokens, PseudonymisedRecord, RecordsPseudonymisedV1
from leap_contracts.pseudonymisation import Tokeniser
from leap_matcher.service.handlers import Matcher

pytestmark = pytest.mark.integration
OLD, NEW = Tokeniser(b"o" * 32, "key-2025"), Tokeniser(b"n" * 32, "key-2026")


def chunk(tokeniser: Tokeniser, row: int, *, linking: Tokeniser | None = None):
    def tokens(t: Tokeniser) -> IdentifierTokens:
        return IdentifierTokens(email=t.email("mum@family.org.uk"), provider_record_id=t.provider_record_id("CAN", f"r{row}"))

    record = PseudonymisedRecord(
        row_number=row, beneficiary_type="adult", engagement_date=date(2026, 1, row), tokens=tokens(tokeniser),
        linking_tokens=[KeyedTokens(key_id=linking.key_id, tokens=tokens(linking))] if linking else [])
    event = RecordsPseudonymisedV1(upload_id=uuid.uuid4(), provider_id="p", service_code="CAN", chunk_index=0,
                                   spec_version="1", key_id=tokeniser.key_id, records=[record])
    return seal(event, producer="test", correlation_id=str(event.upload_id))


async def test_records_across_a_rotation_are_one_individual(pool):
    matcher = Matcher(pool)
    await matcher.on_records_pseudonymised(chunk(OLD, 2))                # before the rotation
    await matcher.on_records_pseudonymised(chunk(NEW, 3, linking=OLD))   # during: new key + linking tokens
    await matcher.on_records_pseudonymised(chunk(NEW, 4))                # after: new key only
    assert await pool.fetchval("SELECT count(DISTINCT individual_id) FROM record") == 1
