"""The CPU-bound part of validation (run in a worker thread): file in, spooled results out.

Results are spooled in PostgreSQL's binary COPY format (in memory up to a few
MB, then on disk), so a file of any size is written with two COPYs and never
held in memory as objects.
"""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass, field
from functools import partial
from typing import BinaryIO

from leap_contracts import topics
from leap_contracts.dataset import RowProblem
from leap_contracts.dataset.at_source import AtSourceRowValidator, read_at_source_header
from leap_contracts.events import RecordsPseudonymisedAtSourceV1, RecordsValidatedV1
from leap_contracts.outcomes import OutcomeRowValidator, read_outcome_header

from leap_uploader.adapters import copy_binary as cb
from leap_uploader.adapters import problem_spool
from leap_uploader.adapters.copy_binary import CopyWriter
from leap_uploader.adapters.file_readers import csv_rows
from leap_uploader.adapters.xlsx_bounded import DEFAULT_MEMORY_BYTES, bounded_xlsx_rows
from leap_uploader.domain import mapping as mapping_rules
from leap_uploader.domain.mapping import IDENTITY, Mapping
from leap_uploader.domain.fast_validation import validate_rows_to_json
from leap_uploader.domain.wire import encode_sealed, encode_validated_chunk
from leap_uploader.domain.validation import FileRejected, Tally, rejection_reason, validate_rows

PRODUCER = "uploader"
_SPOOL_IN_MEMORY = 8 * 1024 * 1024


@dataclass(frozen=True)
class UploadRef:
    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    file_format: str
    dataset: str = "services"
    """``outcomes``: an outcome extract (leap_contracts.outcomes), service_code is its source."""


@dataclass
class Outcome:
    tally: Tally
    reason: str | None
    """None: accepted, its records go on. Otherwise the one-sentence rejection reason."""
    problems: BinaryIO
    records: BinaryIO | None = None
    """Outbox rows (topic, key, value) of the record chunks; None when rejected."""
    _files: list[BinaryIO] = field(default_factory=list)

    def close(self) -> None:
        for f in self._files:
            f.close()


def run_validation(source: BinaryIO, upload: UploadRef, *, correlation_id: str, topic_prefix: str,
                   max_rejected_share: float, max_xlsx_expanded_bytes: int, temp_dir: str | None = None,
                   mapping: Mapping = IDENTITY, publish: bool = True, at_source: dict | None = None,
                   xlsx_memory_bytes: int = DEFAULT_MEMORY_BYTES) -> Outcome:
    """``publish=False`` (a dry run) validates and reports but spools no records. A workbook is read by a child
    process allowed ``xlsx_memory_bytes`` (``adapters.xlsx_bounded``)."""
    problems_file, records_file = _spool(temp_dir), _spool(temp_dir)
    problems, records = CopyWriter(problems_file), CopyWriter(records_file)
    upload_field = cb.uuid_field(upload.upload_id)
    records_topic = cb.text(topics.RECORDS_VALIDATED.full_name(topic_prefix))
    if at_source is not None:
        records_topic = cb.text(topics.RECORDS_AT_SOURCE.full_name(topic_prefix))

    def chunk_key(index: int) -> bytes:
        """restricted.records-validated is keyed by chunk (each is tokenised on its own); the at-source topic
        by upload."""
        return cb.text(str(upload.upload_id) if at_source is not None else topics.chunk_key(upload.upload_id, index))

    def emit_chunk(index: int, chunk: list) -> None:
        if not publish:
            return
        if at_source is not None:
            event = RecordsPseudonymisedAtSourceV1(
                upload_id=upload.upload_id, provider_id=upload.provider_id, service_code=upload.service_code,
                chunk_index=index, spec_version=at_source["spec_version"], key_id=at_source["key_id"],
                key_check_value=at_source["key_check_value"], records=chunk, dataset=upload.dataset)
        else:
            event = RecordsValidatedV1(upload_id=upload.upload_id, provider_id=upload.provider_id,
                                       service_code=upload.service_code, chunk_index=index, records=chunk,
                                       dataset=upload.dataset)
        records.write_row(records_topic, chunk_key(index), cb.field(encode_sealed(event, producer=PRODUCER,
                                                                     correlation_id=correlation_id)))

    def emit_json_chunk(index: int, chunk: list[bytes]) -> None:
        if publish:
            records.write_row(records_topic, chunk_key(index), cb.field(encode_validated_chunk(
                upload.upload_id, upload.provider_id, upload.service_code, index, chunk,
                producer=PRODUCER, correlation_id=correlation_id)))

    def emit_problems(found: list[RowProblem]) -> None:
        for problem in found:
            problem_spool.write(problems, upload_field, problem)

    try:
        if upload.file_format == "xlsx":
            rows = bounded_xlsx_rows(source, max_expanded_bytes=max_xlsx_expanded_bytes, memory_bytes=xlsx_memory_bytes,
                                     sheet=mapping.sheet, temp_dir=temp_dir)
        else:
            rows = csv_rows(source)
        if not mapping.is_identity:
            rows = mapping_rules.apply(mapping, rows)
        if at_source is not None:
            tally = validate_rows(rows, chunk_size=topics.CHUNK_SIZE, emit_chunk=emit_chunk,
                                  emit_problems=emit_problems, read=read_at_source_header,
                                  validator_for=partial(AtSourceRowValidator, dataset=upload.dataset,
                                                        source=upload.service_code))
            if tally.rows_total != at_source["row_count"]:
                raise FileRejected(f"The file has {tally.rows_total} data rows but its manifest says "
                                   f"{at_source['row_count']}; send the file and manifest the tool wrote together.")
        elif upload.dataset == "outcomes":
            tally = validate_rows(rows, chunk_size=topics.CHUNK_SIZE, emit_chunk=emit_chunk,
                                  emit_problems=emit_problems, read=read_outcome_header,
                                  validator_for=partial(OutcomeRowValidator, source=upload.service_code))
        else:
            tally = validate_rows_to_json(rows, chunk_size=topics.CHUNK_SIZE, emit_chunk=emit_json_chunk,
                                          emit_problems=emit_problems)
    except FileRejected as rejected:  # nothing of a file rejected as a whole is kept
        problems_file.close()
        records_file.close()
        empty = _spool(temp_dir)
        return Outcome(Tally(), rejected.reason, CopyWriter(empty).close(), None, [empty])
    reason = rejection_reason(tally, max_rejected_share)
    if reason is not None:
        records_file.close()
        return Outcome(tally, reason, problems.close(), None, [problems_file])
    return Outcome(tally, None, problems.close(), records.close(), [problems_file, records_file])


def _spool(temp_dir: str | None) -> BinaryIO:
    return tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY, dir=temp_dir)  # type: ignore[return-value]
