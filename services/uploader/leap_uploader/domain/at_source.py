"""Files pseudonymised at source: check the manifest that came with the file before anything is stored.

The manifest must be the at-source tool's (``leap_contracts.dataset.at_source``), name the key this
platform expects (key id and key check value are public values, configured as UPLOADER_PSEUDO_KEY_ID and
UPLOADER_PSEUDO_KEY_CHECK_VALUE), the service uploaded for, and the file's SHA-256.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from pydantic import ValidationError

from leap_contracts.dataset.at_source import AtSourceManifest, check_manifest


class ManifestRefused(ValueError):
    """One sentence saying what does not agree and what to do."""


@dataclass(frozen=True)
class AtSource:
    """What an upload pseudonymised at source keeps of its manifest (no file name); stored with the upload
    (``uploads.at_source``, JSON) and read back to validate the file and label its record chunks."""

    key_id: str
    key_check_value: str
    spec_version: str
    row_count: int
    format_version: int
    tool_version: str

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> AtSource:
        return cls(**json.loads(text))


def accepted_manifest(raw: bytes, *, sha256: str, service_code: str, file_format: str,
                      expected_key_id: str | None, expected_check_value: str | None) -> AtSource:
    """What the upload keeps of the manifest; :class:`ManifestRefused` when it does not agree."""
    if not expected_key_id or not expected_check_value:
        raise ManifestRefused("this platform is not set up to accept pseudonymised files yet (no programme key "
                              "is configured): send the file without a manifest, or ask the platform team")
    try:
        manifest = AtSourceManifest.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "manifest"
        raise ManifestRefused(f"the manifest is not the at-source tool's ({where}: {first['msg']}): send the "
                              ".manifest.json file the tool wrote beside the pseudonymised file") from None
    if file_format != "csv":
        raise ManifestRefused("a pseudonymised file must be the CSV the at-source tool wrote, not a workbook")
    if manifest.key_id != expected_key_id:
        raise ManifestRefused(f"the file was pseudonymised with key '{manifest.key_id}' but the programme's key is "
                              f"'{expected_key_id}': update the at-source tool's key and pseudonymise the file again")
    if manifest.key_check_value != expected_check_value:
        raise ManifestRefused(f"the key check value {manifest.key_check_value} does not match the programme key's "
                              f"({expected_check_value}): the tool holds a wrong key; install the right key and "
                              "pseudonymise the file again")
    problems = check_manifest(manifest, sha256=sha256, row_count=manifest.row_count, service_code=service_code)
    if problems:
        raise ManifestRefused(problems[0] + ": send the file and the manifest the tool wrote together")
    return AtSource(key_id=manifest.key_id, key_check_value=manifest.key_check_value,
                    spec_version=manifest.spec_version, row_count=manifest.row_count,
                    format_version=manifest.format_version, tool_version=manifest.tool_version)
