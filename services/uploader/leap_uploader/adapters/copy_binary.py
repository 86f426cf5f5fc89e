"""PostgreSQL's binary COPY format, written by hand so large row sets stream from a spool file.

Layout: signature, flags, header extension; per row a 16-bit field count and
each field as a 32-bit length (-1 for NULL) followed by its bytes; a -1 trailer.
Text fields are UTF-8, bytea raw bytes, uuid its 16 bytes, integer 4 bytes big-endian.
:func:`read_rows` reads
back what :class:`CopyWriter` wrote.
"""

from __future__ import annotations

import struct
import uuid
from collections.abc import Iterator
from typing import BinaryIO

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = SIGNATURE + struct.pack("!ii", 0, 0)  # flags, header extension length
TRAILER = struct.pack("!h", -1)
_NULL = struct.pack("!i", -1)
_LEN = struct.Struct("!i")
_COUNT = struct.Struct("!h")


def row_prefix(field_count: int) -> bytes:
    return _COUNT.pack(field_count)


def length(size: int) -> bytes:
    """The length word of a field whose bytes are written separately (streamed)."""
    return _LEN.pack(size)


def field(value: bytes | None) -> bytes:
    if value is None:
        return _NULL
    return _LEN.pack(len(value)) + value


def text(value: str | None) -> bytes:
    return field(None if value is None else value.encode("utf-8"))


def int4(value: int | None) -> bytes:
    return _NULL if value is None else _LEN.pack(4) + _LEN.pack(value)


def uuid_field(value: uuid.UUID) -> bytes:
    return _LEN.pack(16) + value.bytes


class CopyWriter:
    """Writes rows to ``out``; ``close()`` adds the trailer and rewinds it for COPY FROM."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.rows = 0
        out.write(HEADER)

    def write_row(self, *encoded_fields: bytes) -> None:
        self.out.write(row_prefix(len(encoded_fields)) + b"".join(encoded_fields))
        self.rows += 1

    def close(self) -> BinaryIO:
        self.out.write(TRAILER)
        self.out.flush()
        self.out.seek(0)
        return self.out


def read_rows(spool: BinaryIO, limit: int | None = None) -> Iterator[list[bytes | None]]:
    """The rows of a spool in this format (read from its start), each as its fields' bytes (None: NULL); the
    first ``limit`` only, when given."""
    spool.seek(0)
    data = spool.read()
    if not data.startswith(SIGNATURE):
        raise ValueError("not a COPY binary spool")
    (extension,) = _LEN.unpack_from(data, len(SIGNATURE) + 4)
    pos, rows = len(HEADER) + extension, 0
    while limit is None or rows < limit:
        (count,) = _COUNT.unpack_from(data, pos)
        pos += 2
        if count == -1:
            return
        fields: list[bytes | None] = []
        for _ in range(count):
            (size,) = _LEN.unpack_from(data, pos)
            pos += 4
            fields.append(None if size == -1 else data[pos:pos + size])
            pos += max(size, 0)
        rows += 1
        yield fields


def read_int4(value: bytes | None) -> int | None:
    return None if value is None else _LEN.unpack(value)[0]


def read_text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("utf-8")
