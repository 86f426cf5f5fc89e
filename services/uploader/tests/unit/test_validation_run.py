"""The worker-thread part of validation: spooled COPY rows out, decoded here to check them."""

import io
import struct
import uuid

import orjson

from leap_contracts import topics
from leap_uploader.adapters.copy_binary import HEADER
from leap_uploader.service.validation_run import UploadRef, run_validation

CSV = ("provider_record_id,beneficiary_type,engagement_date,Notes\n"
       + "".join(f"P{i},adult,2024-05-12,x\n" for i in range(2500)) + ",alien,2024-05-12,x\n")


def read_copy(stream: io.BufferedIOBase) -> list[list[bytes | None]]:
    data = stream.read()
    assert data.startswith(HEADER)
    pos, rows = len(HEADER), []
    while True:
        (count,) = struct.unpack_from("!h", data, pos)
        pos += 2
        if count == -1:
            return rows
        row = []
        for _ in range(count):
            (length,) = struct.unpack_from("!i", data, pos)
            pos += 4
            row.append(None if length == -1 else data[pos:pos + length])
            pos += max(length, 0)
        rows.append(row)


def run(csv: str, share: float = 0.5):
    ref = UploadRef(uuid.uuid4(), "prov", "CAN", "csv")
    return ref, run_validation(io.BytesIO(csv.encode()), ref, correlation_id="c", topic_prefix="t1.",
                               max_rejected_share=share, max_xlsx_expanded_bytes=10 ** 9)


def test_accepted_file_spools_chunks_and_problems() -> None:
    ref, outcome = run(CSV)
    assert outcome.reason is None
    assert (outcome.tally.rows_total, outcome.tally.rows_accepted, outcome.tally.chunk_count) == (2501, 2500, 3)
    chunks = read_copy(outcome.records)
    assert [r[0] for r in chunks] == [b"t1." + topics.RECORDS_VALIDATED.name.encode()] * 3
    assert [r[1] for r in chunks] == [f"{ref.upload_id}:{i}".encode() for i in range(len(chunks))]  # keyed by chunk
    payloads = [orjson.loads(r[2])["payload"] for r in chunks]
    assert [p["chunk_index"] for p in payloads] == [0, 1, 2]
    assert [len(p["records"]) for p in payloads] == [topics.CHUNK_SIZE, topics.CHUNK_SIZE, 500]
    problems = read_copy(outcome.problems)
    assert problems[0][0] == ref.upload_id.bytes
    assert {(struct.unpack("!i", p[1])[0], p[3]) for p in problems} >= {(1, b"unknown_column"), (2502, b"missing_value")}
    outcome.close()


def test_too_many_rejected_rows_keeps_problems_but_no_records() -> None:
    bad = "provider_record_id,beneficiary_type,engagement_date\n" + "P1,alien,2024-05-12\n" * 3 + "P2,adult,2024-05-12\n"
    _, outcome = run(bad)
    assert outcome.reason.startswith("3 of 4 rows (75%)")
    assert outcome.records is None
    assert len(read_copy(outcome.problems)) == 3


def test_file_level_rejection_keeps_nothing() -> None:
    _, outcome = run("name,dob\nx,y\n")
    assert "header row cannot be used" in outcome.reason
    assert outcome.records is None and read_copy(outcome.problems) == []
