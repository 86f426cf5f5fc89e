"""Which text encoding a CSV file uses: UTF-8 (with or without BOM), else Windows-1252."""

from __future__ import annotations

import codecs
from collections.abc import Iterable

from leap_uploader.domain.file_format import CP1252_UNDEFINED


class UndecodableText(ValueError):
    """No supported encoding decodes the file."""


def detect_encoding(chunks: Iterable[bytes]) -> str:
    """``utf-8-sig`` when a UTF-8 byte-order mark starts valid UTF-8, ``utf-8`` for valid
    UTF-8, ``cp1252`` (Excel's "CSV" export) otherwise; raises :class:`UndecodableText`."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = cp1252_ok = True
    first = True
    bom = False
    for chunk in chunks:
        if first:
            bom, first = chunk.startswith(codecs.BOM_UTF8), False
        if utf8_ok:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                utf8_ok = False
        if cp1252_ok and any(b in chunk for b in CP1252_UNDEFINED):
            cp1252_ok = False
        if not (utf8_ok or cp1252_ok):
            break
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)  # a multi-byte character cut off at the end
        except UnicodeDecodeError:
            utf8_ok = False
    if utf8_ok:
        return "utf-8-sig" if bom else "utf-8"
    if bom:
        raise UndecodableText("the file starts with a UTF-8 marker but is not valid UTF-8")
    if cp1252_ok:
        return "cp1252"
    raise UndecodableText("the file is neither UTF-8 nor Windows-1252 text")
