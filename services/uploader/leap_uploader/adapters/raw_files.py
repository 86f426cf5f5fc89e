"""The restricted store of providers' files: encrypted in, decrypted out, in slices."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import BinaryIO

import asyncpg

from leap_uploader.adapters import copy_binary
from leap_uploader.adapters.encryption import PREFIX_SIZE, TAG_SIZE, FileCipher

SLICE = 1024 * 1024


async def store(conn: asyncpg.Connection, upload_id: uuid.UUID, source: BinaryIO, size: int, cipher: FileCipher) -> None:
    """Encrypt ``size`` bytes of ``source`` (from its start) into ``raw_files``, streamed through COPY."""
    await conn.copy_to_table("raw_files", source=_sealed_rows(upload_id, source, size, cipher),
                             columns=["upload_id", "content"], format="binary")


async def _sealed_rows(upload_id: uuid.UUID, source: BinaryIO, size: int, cipher: FileCipher) -> AsyncIterator[bytes]:
    prefix, encryptor = cipher.encryptor(upload_id.bytes)
    yield (copy_binary.HEADER + copy_binary.row_prefix(2) + copy_binary.uuid_field(upload_id)
           + copy_binary.length(cipher.sealed_size(size)) + prefix)
    await asyncio.to_thread(source.seek, 0)
    remaining = size
    while remaining:
        data = await asyncio.to_thread(source.read, min(SLICE, remaining))
        if not data:
            raise ValueError("the spooled upload is shorter than its recorded size")
        remaining -= len(data)
        yield encryptor.update(data)
    yield encryptor.finish() + copy_binary.TRAILER


async def load(conn: asyncpg.Connection, upload_id: uuid.UUID, cipher: FileCipher, out: BinaryIO) -> bool:
    """Decrypt the stored file into ``out`` (rewound afterwards); False when there is none.
    Raises ``InvalidTag`` if the file was altered or the key is not the one it was stored with."""
    total = await conn.fetchval("SELECT octet_length(content) FROM raw_files WHERE upload_id = $1", upload_id)
    if total is None:
        return False
    head = await _slice(conn, upload_id, 1, PREFIX_SIZE)
    tag = await _slice(conn, upload_id, total - TAG_SIZE + 1, TAG_SIZE)
    decryptor = cipher.decryptor(head, tag, upload_id.bytes)
    position, end = PREFIX_SIZE + 1, total - TAG_SIZE  # 1-based, inclusive
    while position <= end:
        length = min(SLICE, end - position + 1)
        await asyncio.to_thread(out.write, decryptor.update(await _slice(conn, upload_id, position, length)))
        position += length
    await asyncio.to_thread(out.write, decryptor.finish())
    out.flush()
    out.seek(0)
    return True


async def _slice(conn: asyncpg.Connection, upload_id: uuid.UUID, start: int, length: int) -> bytes:
    return await conn.fetchval(
        "SELECT substring(content FROM $2 FOR $3) FROM raw_files WHERE upload_id = $1", upload_id, start, length
    )


async def delete(conn: asyncpg.Connection, upload_id: uuid.UUID) -> None:
    await conn.execute("DELETE FROM raw_files WHERE upload_id = $1", upload_id)
