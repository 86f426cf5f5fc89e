"""PostgreSQL's binary COPY format, written by hand so large row sets stream from a spool file.

Layout: signature, flags, header extension; per row a 16-bit field count and
each field as a 32-bit length (-1 for NULL) followed by its bytes; a -1 trailer.
Text fields are UTF-8, bytea raw bytes, uuid its 16 bytes, integer 4 bytes big-endian.
"""

from __future__ import annotations

import struct
import uuid
from typing import BinaryIO

HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
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
