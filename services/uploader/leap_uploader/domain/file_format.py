"""Which kind of file arrived, judged from its first bytes (never from its name)."""

from __future__ import annotations

import codecs
from typing import Literal

FileFormat = Literal["csv", "xlsx"]

ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc


class UnsupportedFile(ValueError):
    """The file is neither CSV nor XLSX. The message says what to do instead."""


def sniff(head: bytes) -> FileFormat:
    """``head`` is the start of the file (a few KB). XLSX is a zip; CSV is text."""
    if not head:
        raise UnsupportedFile("the file is empty")
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        raise UnsupportedFile("old Excel (.xls) files are not accepted: save the sheet as .xlsx or as CSV UTF-8")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnsupportedFile("UTF-16 text is not accepted: save the file as CSV UTF-8")
    if b"\x00" in head or not _is_text(head):
        raise UnsupportedFile("the file is neither CSV nor XLSX: upload a CSV (UTF-8 or Windows-1252) or an .xlsx workbook")
    return "csv"


def _is_text(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a cut multi-byte tail is fine
        return True
    except UnicodeDecodeError:
        return not any(b in head for b in CP1252_UNDEFINED)


CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
"""The only bytes Windows-1252 leaves undefined (Python's codec refuses them)."""
