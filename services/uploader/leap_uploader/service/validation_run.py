"""The CPU-bound part of validation (run in a worker thread): file in, spooled results out.

Results are spooled in PostgreSQL's binary COPY format (in memory up to a few
MB, then on disk), so a file of any size is written with two COPYs and never
held in memory as objects.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, BinaryIO, cast

from leap_contracts import topics
from leap_contracts.dataset import RowProblem
from leap_contracts.dataset.at_source import AtSourceRowValidator, read_at_source_header
from leap_contracts.envelope import encode
from leap_contracts.events import Event, RecordsPseudonymisedAtSourceV1, RecordsValidatedV1
from leap_contracts.outcomes import OutcomeRowValidator, read_outcome_header

from leap_uploader.adapters import copy_binary as cb
from leap_uploader.adapters import problem_spool
from leap_uploader.adapters.copy_binary import CopyWriter
from leap_uploader.adapters.file_readers import csv_rows
from leap_uploader.adapters.xlsx_bounded import DEFAULT_MEMORY_BYTES, bounded_xlsx_rows
from leap_uploader.domain import mapping as mapping_rules
from leap_uploader.domain.at_source import AtSource
from leap_uploader.domain.fast_validation import validate_rows_to_json
from leap_uploader.domain.mapping import IDENTITY, Mapping
from leap_uploader.domain.validation import FileRejected, Tally, rejection_reason, validate_rows
from leap_uploader.domain.wire import validated_chunk_payload
from leap_uploader.service import PRODUCER

_SPOOL_IN_MEMORY = 8 * 1024 * 1024
Rows = Iterable[tuple[int, list[str]]]
EmitProblems = Callable[[list[RowProblem]], None]


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


class Chunks:
    """An upload's record chunks as outbox rows (topic, key, value) of ``model`` events, in a COPY spool: topic
    and key are the event's own (``model.TOPIC``, ``model.key_of``); ``spool`` None (a dry run) keeps nothing."""

    def __init__(self, spool: CopyWriter | None, model: type[Event], upload: UploadRef, *, correlation_id: str,
                 topic_prefix: str) -> None:
        self._spool, self._model, self._upload_id = spool, model, upload.upload_id
        self._topic = cb.text(model.TOPIC.full_name(topic_prefix))
        self._correlation_id = correlation_id

    def add(self, index: int, event: Event) -> None:
        if self._spool is not None:
            self._write(index, encode(event, producer=PRODUCER, correlation_id=self._correlation_id))

    def add_payload(self, index: int, payload: bytes) -> None:
        """The fast path: the event's payload already in its JSON form."""
        if self._spool is not None:
            self._write(index, encode(payload, model=self._model, producer=PRODUCER,
                                      correlation_id=self._correlation_id))

    def _write(self, index: int, value: bytes) -> None:
        assert self._spool is not None
        key = self._model.key_of({"upload_id": self._upload_id, "chunk_index": index})
        self._spool.write_row(self._topic, cb.text(key), cb.field(value))


@dataclass(frozen=True)
class ServiceRecords:
    """A services upload: the standard dataset, records written straight to JSON (``fast_validation``)."""

    model: type[Event] = RecordsValidatedV1

    def validate(self, rows: Rows, upload: UploadRef, chunks: Chunks, emit_problems: EmitProblems) -> Tally:
        def emit(index: int, records: list[bytes]) -> None:
            chunks.add_payload(index, validated_chunk_payload(upload.upload_id, upload.provider_id,
                                                              upload.service_code, index, records))
        return validate_rows_to_json(rows, chunk_size=topics.CHUNK_SIZE, emit_chunk=emit, emit_problems=emit_problems)


@dataclass(frozen=True)
class OutcomeRecords:
    """An outcome extract of one source (``leap_contracts.outcomes``), on the validated records' topic."""

    model: type[Event] = RecordsValidatedV1

    def validate(self, rows: Rows, upload: UploadRef, chunks: Chunks, emit_problems: EmitProblems) -> Tally:
        def emit(index: int, records: list[Any]) -> None:  # the dataset rules' own record type
            chunks.add(index, RecordsValidatedV1(
                upload_id=upload.upload_id, provider_id=upload.provider_id, service_code=upload.service_code,
                chunk_index=index, records=records, dataset=upload.dataset))
        return validate_rows(rows, chunk_size=topics.CHUNK_SIZE, emit_chunk=emit, emit_problems=emit_problems,
                             read=read_outcome_header,
                             validator_for=partial(OutcomeRowValidator, source=upload.service_code))


@dataclass(frozen=True)
class AtSourceRecords:
    """A file pseudonymised at source: tokens only, labelled with its manifest's key and spec, and as many rows as
    the manifest says."""

    at_source: AtSource
    model: type[Event] = RecordsPseudonymisedAtSourceV1

    def validate(self, rows: Rows, upload: UploadRef, chunks: Chunks, emit_problems: EmitProblems) -> Tally:
        manifest = self.at_source

        def emit(index: int, records: list[Any]) -> None:  # the dataset rules' own record type
            chunks.add(index, RecordsPseudonymisedAtSourceV1(
                upload_id=upload.upload_id, provider_id=upload.provider_id, service_code=upload.service_code,
                chunk_index=index, spec_version=manifest.spec_version, key_id=manifest.key_id,
                key_check_value=manifest.key_check_value, records=records, dataset=upload.dataset))
        tally = validate_rows(rows, chunk_size=topics.CHUNK_SIZE, emit_chunk=emit, emit_problems=emit_problems,
                              read=read_at_source_header,
                              validator_for=partial(AtSourceRowValidator, dataset=upload.dataset,
                                                    source=upload.service_code))
        if tally.rows_total != manifest.row_count:
            raise FileRejected(f"The file has {tally.rows_total} data rows but its manifest says "
                               f"{manifest.row_count}; send the file and manifest the tool wrote together.")
        return tally


RecordPath = ServiceRecords | OutcomeRecords | AtSourceRecords


def record_path(upload: UploadRef, at_source: AtSource | None) -> RecordPath:
    """How the upload's rows become records, chosen once: at source, an outcome extract, or services."""
    if at_source is not None:
        return AtSourceRecords(at_source)
    return OutcomeRecords() if upload.dataset == "outcomes" else ServiceRecords()


def run_validation(source: BinaryIO, upload: UploadRef, *, correlation_id: str, topic_prefix: str,
                   max_rejected_share: float, max_xlsx_expanded_bytes: int, temp_dir: str | None = None,
                   mapping: Mapping = IDENTITY, publish: bool = True, at_source: AtSource | None = None,
                   xlsx_memory_bytes: int = DEFAULT_MEMORY_BYTES) -> Outcome:
    """``publish=False`` (a dry run) validates and reports but spools no records. A workbook is read by a child
    process allowed ``xlsx_memory_bytes`` (``adapters.xlsx_bounded``)."""
    problems_file, records_file = _spool(temp_dir), _spool(temp_dir)
    problems, records = CopyWriter(problems_file), CopyWriter(records_file)
    path = record_path(upload, at_source)
    chunks = Chunks(records if publish else None, path.model, upload, correlation_id=correlation_id,
                    topic_prefix=topic_prefix)
    upload_field = cb.uuid_field(upload.upload_id)

    def emit_problems(found: list[RowProblem]) -> None:
        for problem in found:
            problem_spool.write(problems, upload_field, problem)

    try:
        rows: Rows
        if upload.file_format == "xlsx":
            rows = bounded_xlsx_rows(source, max_expanded_bytes=max_xlsx_expanded_bytes, memory_bytes=xlsx_memory_bytes,
                                     sheet=mapping.sheet, temp_dir=temp_dir)
        else:
            rows = csv_rows(source)
        if not mapping.is_identity:
            rows = mapping_rules.apply(mapping, rows)
        tally = path.validate(rows, upload, chunks, emit_problems)
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
    # a binary file in all but typeshed's name for it (SpooledTemporaryFile[bytes] is an IO[bytes])
    return cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY, dir=temp_dir))
