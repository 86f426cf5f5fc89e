"""Receive a provider's file: check it, store it encrypted and announce it, in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

import asyncpg
import structlog

from leap_contracts.delivery.outbox import Outbox
from leap_contracts.delivery.published import wait_published
from leap_contracts.events import FileReceivedV1

from leap_uploader.adapters import audit, mappings, raw_files, uploads
from leap_uploader.adapters.encryption import FileCipher
from leap_uploader.adapters.file_readers import workbook_problem
from leap_uploader.adapters.storage import storage_refused
from leap_uploader.domain.at_source import AtSource, ManifestRefused, accepted_manifest
from leap_uploader.domain.dataset_kind import NotAllowed, UnknownUpload, check_code, dataset_of
from leap_uploader.domain.file_format import UnsupportedFile, sniff
from leap_uploader.service import PRODUCER
from leap_uploader.service.auth import Provider

log = structlog.get_logger()
NOT_STORED = ("The platform cannot store files right now (its database storage is full or cannot be written); "
              "nothing of this upload was kept: send the same file again later.")


class InvalidUpload(ValueError):
    """The request cannot be an upload (bad service code, empty or unsupported file)."""


class ServiceNotAllowed(PermissionError):
    """The provider does not deliver the service it uploads for."""


class StorageRefused(Exception):
    """The platform could not store what it was given; its text says so to the provider, naming no value."""


@dataclass(frozen=True)
class SpooledFile:
    """An uploaded file already written to a temporary file, hashed on the way."""

    file: BinaryIO
    size: int
    sha256: str
    head: bytes


@dataclass(frozen=True)
class Receipt:
    upload_id: uuid.UUID
    status: str
    created: bool


@dataclass(frozen=True)
class _Upload:
    """An upload request that passed every check made before anything is stored."""

    provider: Provider
    code: str
    kind: str
    spooled: SpooledFile
    file_format: str
    replaced: uuid.UUID | None
    at_source: AtSource | None
    actor: str


@dataclass
class Receiving:
    pool: asyncpg.Pool
    cipher: FileCipher
    topic_prefix: str = ""
    max_xlsx_expanded_bytes: int = 2 * 1024 ** 3
    pseudo_key_id: str | None = None
    pseudo_key_check_value: str | None = None
    announce_timeout: float = 10.0
    """How long an answer waits for the upload's FileReceivedV1 to reach the broker (``_on_the_broker``)."""

    async def receive(self, provider: Provider, service_code: str, spooled: SpooledFile, *,
                      replaces: str | None = None, actor: str = "api", manifest: bytes | None = None,
                      dataset: str | None = None) -> Receipt:
        upload = await self._checked(provider, service_code, spooled, replaces, actor, manifest, dataset)
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                announced, existing = await self._store(conn, upload)
        except Exception as exc:
            if not storage_refused(exc):
                raise
            log.warning("upload.storage_refused", provider_id=provider.id, service_code=upload.code,
                        error=type(exc).__name__)
            raise StorageRefused(NOT_STORED) from None
        if announced is not None:
            await self._on_the_broker(announced.upload_id)
            return announced
        await audit.record(self.pool, actor, "upload.repeated", target=f"upload:{existing['upload_id']}",
                           provider_id=provider.id, service_code=upload.code)
        log.info("upload.repeated", upload_id=str(existing["upload_id"]), provider_id=provider.id,
                 service_code=upload.code)
        return Receipt(existing["upload_id"], existing["status"], created=False)

    async def _checked(self, provider: Provider, service_code: str, spooled: SpooledFile, replaces: str | None,
                       actor: str, manifest: bytes | None, dataset: str | None) -> _Upload:
        """Every check made before anything is stored: what may be sent, the file, what it replaces, its manifest."""
        code = service_code.strip().upper()
        try:
            kind = dataset_of(dataset)
            check_code(kind, code, provider.id, provider.services, provider.outcome_sources)
        except UnknownUpload as exc:
            raise InvalidUpload(str(exc)) from None
        except NotAllowed as exc:
            await audit.record(self.pool, actor, "upload.refused", target=f"provider:{provider.id}",
                               provider_id=provider.id, service_code=code, dataset=kind)
            raise ServiceNotAllowed(str(exc)) from None
        if spooled.size == 0:
            raise InvalidUpload("the file is empty")
        try:
            file_format = sniff(spooled.head)
        except UnsupportedFile as exc:
            raise InvalidUpload(str(exc)) from None
        if file_format == "xlsx" and (problem := workbook_problem(spooled.file, self.max_xlsx_expanded_bytes)):
            raise InvalidUpload(problem)
        replaced = _upload_id(replaces) if replaces and replaces.strip() else None
        at_source: AtSource | None = None
        if manifest is not None:
            try:
                at_source = accepted_manifest(manifest, sha256=spooled.sha256, service_code=code,
                                              file_format=file_format, expected_key_id=self.pseudo_key_id,
                                              expected_check_value=self.pseudo_key_check_value)
            except ManifestRefused as exc:
                raise InvalidUpload(str(exc)) from None
        return _Upload(provider, code, kind, spooled, file_format, replaced, at_source, actor)

    async def _store(self, conn: asyncpg.Connection, upload: _Upload) -> tuple[Receipt | None, asyncpg.Record]:
        """In the caller's transaction: a new upload (or a failed one received again) stored and announced, its
        receipt; otherwise (None, the upload this file already is)."""
        provider, code, spooled = upload.provider, upload.code, upload.spooled
        existing = await uploads.find(conn, provider.id, code, spooled.sha256)
        if existing is None:
            if upload.replaced is not None:
                await _check_replaceable(conn, provider, code, upload.replaced, upload.kind)
            mapping = await mappings.latest(conn, provider.id, code)
            upload_id = uuid.uuid4()
            inserted = await uploads.insert(
                conn, upload_id=upload_id, provider_id=provider.id, service_code=code, sha256=spooled.sha256,
                size_bytes=spooled.size, file_format=upload.file_format, replaces=upload.replaced,
                at_source=upload.at_source.to_json() if upload.at_source is not None else None, dataset=upload.kind,
                mapping_version=mapping["version"] if mapping and upload.at_source is None else None)
            if inserted is None:  # a concurrent twin won
                return None, await uploads.find(conn, provider.id, code, spooled.sha256)
            await audit.record(conn, upload.actor, "upload.created", target=f"upload:{upload_id}",
                               provider_id=provider.id, service_code=code, size_bytes=spooled.size,
                               replaces=str(upload.replaced) if upload.replaced else None,
                               at_source=upload.at_source is not None, dataset=upload.kind)
            return await self._announce(conn, inserted, upload), existing
        if existing["status"] == "failed" and (restarted := await uploads.restart(conn, existing["upload_id"])):
            await audit.record(conn, upload.actor, "upload.retried", target=f"upload:{existing['upload_id']}",
                               provider_id=provider.id, service_code=code, size_bytes=spooled.size)
            return await self._announce(conn, restarted, upload), existing
        return None, existing

    async def _announce(self, conn: asyncpg.Connection, row: asyncpg.Record, upload: _Upload) -> Receipt:
        """Store the file encrypted and queue FileReceivedV1, in the caller's transaction."""
        upload_id, provider, code, spooled = row["upload_id"], upload.provider, upload.code, upload.spooled
        file_format, kind = upload.file_format, upload.kind
        await raw_files.store(conn, upload_id, spooled.file, spooled.size, self.cipher)
        event = FileReceivedV1(upload_id=upload_id, provider_id=provider.id, service_code=code,
                               file_format=file_format, size_bytes=spooled.size, sha256=spooled.sha256,
                               received_at=row["created_at"] or datetime.now(UTC), dataset=kind)
        outbox = Outbox(conn, producer=PRODUCER, correlation_id=str(upload_id), topic_prefix=self.topic_prefix)
        outbox.add(event)
        await outbox.flush()
        log.info("upload.received", upload_id=str(upload_id), provider_id=provider.id, service_code=code,
                 file_format=file_format, size_bytes=spooled.size, dataset=kind)
        return Receipt(upload_id, "received", created=True)

    async def _on_the_broker(self, upload_id: uuid.UUID) -> None:
        """Answer "received" only once FileReceivedV1 is on the broker (after the commit): a figure asked for next
        then sees the upload on its way (leap_contracts.delivery.published). A broker that is away delays the
        answer by ``announce_timeout`` at most; the upload is stored and its event goes out when it is back.
        0: no relay runs in this process (a test of the service alone), so there is nothing to wait for."""
        if self.announce_timeout <= 0:
            return
        if not await wait_published(self.pool, FileReceivedV1.TOPIC.full_name(self.topic_prefix), str(upload_id),
                                    timeout=self.announce_timeout):
            log.warning("upload.announce_delayed", upload_id=str(upload_id), waited_s=self.announce_timeout)


def _upload_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise InvalidUpload("'replaces' must be the id of an earlier upload (as shown in the upload history)") from None


async def _check_replaceable(conn: asyncpg.Connection, provider: Provider, code: str, replaced: uuid.UUID,
                             kind: str = "services") -> None:
    old = await uploads.for_provider(conn, replaced, provider.id)
    if old is None:
        raise InvalidUpload("the upload to replace does not exist: choose one from your upload history")
    if old["dataset"] != kind:
        raise InvalidUpload(f"the upload to replace carries {old['dataset']}, not {kind}: a corrected file "
                            "replaces an upload of the same dataset")
    if old["service_code"] != code:
        raise InvalidUpload(f"the upload to replace is for service {old['service_code']}, not {code}: "
                            "a corrected file replaces an upload of the same service")
    if old["status"] not in ("processing", "completed") or old["replaced_by"] is not None:
        raise InvalidUpload(f"the upload to replace is {old['status']}: only accepted uploads that are not "
                            "already replaced can be replaced")
