"""How an upload's rows become records is chosen once, from the upload and what it kept of an at-source manifest."""

import uuid

from leap_contracts.events import RecordsPseudonymisedAtSourceV1, RecordsValidatedV1
from leap_uploader.domain.at_source import AtSource
from leap_uploader.service.validation_run import AtSourceRecords, OutcomeRecords, ServiceRecords, UploadRef, record_path

MANIFEST = AtSource(key_id="k1", key_check_value="0123456789ab", spec_version="1.0", row_count=3, format_version=1,
                    tool_version="0.1")


def test_each_kind_of_upload_has_its_path_and_event_type() -> None:
    services = UploadRef(uuid.uuid4(), "p", "CAN", "csv")
    outcomes = UploadRef(uuid.uuid4(), "p", "HV", "csv", "outcomes")
    assert record_path(services, None) == ServiceRecords() and ServiceRecords.model is RecordsValidatedV1
    assert record_path(outcomes, None) == OutcomeRecords()
    for upload in (services, outcomes):
        path = record_path(upload, MANIFEST)
        assert path == AtSourceRecords(MANIFEST) and path.model is RecordsPseudonymisedAtSourceV1


def test_what_an_upload_keeps_of_its_manifest_reads_back_as_stored() -> None:
    assert AtSource.from_json(MANIFEST.to_json()) == MANIFEST
