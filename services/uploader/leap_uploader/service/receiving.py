"""Receive a provider's file: check it, store it encrypted and announce it, in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

import asyncpg
import structlog

from leap_contracts import topics
from leap_contracts.catalogue import SERVICES
from leap_contracts.envelope import seal
from leap_contracts.events import FileReceivedV1

from leap_uploader.adapters import outbox, raw_files, uploads
from leap_uploader.adapters.encryption import FileCipher
from leap_uploader.adapters.file_readers import workbook_problem
from leap_uploader.domain.file_format import UnsupportedFile, sniff
from leap_uploader.service.auth import Provider

log = structlog.get_logger()
PRODUCER = "uploader"


class InvalidUpload(ValueError):
    """The request cannot be an upload (bad service code, empty or unsupported file)."""


class ServiceNotAllowed(PermissionError):
    """The provider does not deliver the service it uploads for."""


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


@dataclass
class Receiving:
    pool: asyncpg.Pool
    cipher: FileCipher
    topic_prefix: str = ""
    max_xlsx_expanded_bytes: int = 2 * 1024 ** 3

    async def receive(self, provider: Provider, service_code: str, spooled: SpooledFile) -> Receipt:
        code = service_code.strip().upper()
        if code not in SERVICES:
            raise InvalidUpload(f"unknown service code '{service_code}': use one of the programme's codes, e.g. CAN")
        if code not in provider.services:
            raise ServiceNotAllowed(f"provider {provider.id} does not deliver service {code}, so it cannot upload for it")
        if spooled.size == 0:
            raise InvalidUpload("the file is empty")
        try:
            file_format = sniff(spooled.head)
        except UnsupportedFile as exc:
            raise InvalidUpload(str(exc)) from None
        if file_format == "xlsx" and (problem := workbook_problem(spooled.file, self.max_xlsx_expanded_bytes)):
            raise InvalidUpload(problem)

        async with self.pool.acquire() as conn, conn.transaction():
            existing = await uploads.find(conn, provider.id, code, spooled.sha256)
            if existing is None:
                upload_id = uuid.uuid4()
                inserted = await uploads.insert(conn, upload_id=upload_id, provider_id=provider.id, service_code=code,
                                                sha256=spooled.sha256, size_bytes=spooled.size, file_format=file_format)
                if inserted is not None:
                    await raw_files.store(conn, upload_id, spooled.file, spooled.size, self.cipher)
                    event = FileReceivedV1(upload_id=upload_id, provider_id=provider.id, service_code=code,
                                           file_format=file_format, size_bytes=spooled.size, sha256=spooled.sha256,
                                           received_at=inserted["created_at"] or datetime.now(UTC))
                    envelope = seal(event, producer=PRODUCER, correlation_id=str(upload_id))
                    await outbox.add(conn, [(topics.FILE_RECEIVED.full_name(self.topic_prefix), str(upload_id), envelope)])
                    log.info("upload.received", upload_id=str(upload_id), provider_id=provider.id, service_code=code,
                             file_format=file_format, size_bytes=spooled.size)
                    return Receipt(upload_id, "received", created=True)
                existing = await uploads.find(conn, provider.id, code, spooled.sha256)  # a concurrent twin won
        log.info("upload.repeated", upload_id=str(existing["upload_id"]), provider_id=provider.id, service_code=code)
        return Receipt(existing["upload_id"], existing["status"], created=False)
