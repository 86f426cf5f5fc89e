"""Reading a chunk's records in one pass: tokens (with a rotation's previous-key tokens), their types,
per-token statistics, carer tokens and each record's MatchedRecord."""

import uuid
from datetime import date

import msgspec
import pytest

from leap_contracts.events import RecordsPseudonymisedV1
from leap_contracts.plain import plain_type
from leap_matcher.domain.chunk_records import RecordWithoutToken, read_chunk, refer

UPLOAD = uuid.UUID(int=1)


def token(n: int) -> str:
    return f"{n:064x}"


def chunk(*records: dict):
    """The chunk as the matcher receives it: the contract's plain Struct."""
    payload = {"upload_id": str(UPLOAD), "provider_id": "p1", "service_code": "S1", "chunk_index": 0,
               "spec_version": "1", "key_id": "k1", "records": list(records)}
    RecordsPseudonymisedV1.model_validate(payload)  # what the test sends is a valid chunk
    return msgspec.convert(payload, plain_type(RecordsPseudonymisedV1), strict=False)


def record(row: int, tokens: dict, **fields) -> dict:
    return {"row_number": row, "beneficiary_type": "child", "engagement_date": "2025-01-02", "tokens": tokens,
            **fields}


def test_tokens_types_statistics_carers_and_rows_in_one_pass():
    event = chunk(
        record(2, {"nhs_number": token(1), "email": None}, birth_month="2020-01",
               carer_tokens={"email": token(9), "mobile": None}),
        record(3, {"nhs_number": token(1), "provider_record_id": token(2)}, birth_month="2020-02",
               linking_tokens=[{"key_id": "k0", "tokens": {"nhs_number": token(3)},
                                "carer_tokens": {"mobile": token(8)}}]),
        record(4, {"provider_record_id": token(4)}))
    read = read_chunk(event, event.records)

    t = [bytes.fromhex(token(n)) for n in range(10)]
    assert read.tokens == [[t[1]], [t[1], t[2], t[3]], [t[4]]]
    assert read.token_type == {t[1]: "nhs_number", t[2]: "provider_record_id", t[3]: "nhs_number",
                               t[4]: "provider_record_id"}
    assert read.stats[t[1]].birth_months == {"2020-01", "2020-02"} and read.stats[t[4]].birth_months == set()
    assert all(s.providers == {"p1"} for s in read.stats.values())
    assert read.carers == [(t[9], "email", UPLOAD, 2), (t[8], "mobile", UPLOAD, 3)]
    assert read.carer_of == [0, 1]
    assert [m["row_number"] for m in read.matched] == [2, 3, 4]
    assert [m["identifier_types"] for m in read.matched] == [["nhs_number"], ["nhs_number", "provider_record_id"],
                                                              ["provider_record_id"]]
    assert read.matched[0]["engagement_date"] == date(2025, 1, 2)
    refer(read.matched, [7, 7, 12])
    assert [m["individual_ref"] for m in read.matched] == ["IND-0000000007", "IND-0000000007", "IND-0000000012"]


def test_a_record_without_any_token_is_refused_by_row():
    event = chunk(record(2, {"nhs_number": token(1)}), record(7, {"email": None}))
    with pytest.raises(RecordWithoutToken, match="row 7 carries no identifier token"):
        read_chunk(event, event.records)
