"""Stream a multipart upload (``file``, ``service``; optional ``replaces``, ``csrf_token``, ``manifest``) to a
temporary file, hashing as it goes.

The body is never held in memory: file bytes go to disk in ~1 MB writes (in a
worker thread), and reading stops with :class:`TooLarge` the moment the file
passes the limit. The provider's file name is never read.
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
from typing import BinaryIO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from leap_contracts.http.bad_bytes import problem_in

from leap_uploader.service.receiving import SpooledFile

HEAD_SIZE = 64 * 1024
_FLUSH_AT = 1024 * 1024
_MAX_FIELD = 256
_TEXT_FIELDS = {"service": _MAX_FIELD, "dataset": _MAX_FIELD, "replaces": _MAX_FIELD, "csrf_token": _MAX_FIELD,
                "provider": _MAX_FIELD, "mapping": 64 * 1024}
_MAX_MANIFEST = 1024 * 1024
_MAX_HEADER = 8 * 1024
_FORM_OVERHEAD = 64 * 1024


class BadForm(ValueError):
    """The request is not a well-formed upload form."""


class TooLarge(ValueError):
    """The file is over the size limit."""


def too_large(max_bytes: int) -> str:
    return f"the file is larger than the {max_bytes // (1024 * 1024)} MB limit: split it into smaller files"


class UploadForm:
    def __init__(self, max_bytes: int, temp_dir: str | None) -> None:
        self.service: str | None = None
        self.fields: dict[str, str] = {}
        self.manifest: bytes | None = None
        self._max, self._dir = max_bytes, temp_dir
        self._file: BinaryIO | None = None
        self._hash = hashlib.sha256()
        self._size = 0
        self._head = bytearray()
        self._pending = bytearray()
        self._part: str | None = None
        self._field = bytearray()
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._disposition = b""

    @property
    def spooled(self) -> SpooledFile | None:
        if self._file is None:
            return None
        return SpooledFile(self._file, self._size, self._hash.hexdigest(), bytes(self._head))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    # --- parser callbacks (synchronous; file bytes are only buffered here) ---

    def on_part_begin(self) -> None:
        self._part, self._disposition = None, b""
        self._field.clear()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]
        if len(self._header_value) > _MAX_HEADER:
            raise BadForm("a multipart header is too long")

    def on_header_end(self) -> None:
        if bytes(self._header_name).lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        name = options.get(b"name", b"").decode("latin-1")
        if name == "file":
            if self._file is not None:
                raise BadForm("send exactly one file per upload")
            self._file = tempfile.TemporaryFile(dir=self._dir)  # outlives this callback: close() closes it
        self._part = name

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._part == "file":
            piece = data[start:end]
            self._size += len(piece)
            if self._size > self._max:
                raise TooLarge(too_large(self._max))
            if len(self._head) < HEAD_SIZE:
                self._head += piece[: HEAD_SIZE - len(self._head)]
            self._pending += piece
        elif self._part in _TEXT_FIELDS:
            self._field += data[start:end]
            if len(self._field) > _TEXT_FIELDS[self._part]:
                raise BadForm(f"the {self._part} field is too long")
        elif self._part == "manifest":
            self._field += data[start:end]
            if len(self._field) > _MAX_MANIFEST:
                raise BadForm("the manifest is larger than 1 MB")

    def on_part_end(self) -> None:
        if self._part in _TEXT_FIELDS:
            if problem := problem_in(bytes(self._field), f"the {self._part} field"):
                raise BadForm(problem)  # NUL, a control character or not UTF-8 (leap_contracts.http.bad_bytes)
            self.fields[self._part] = self._field.decode("utf-8")
            if self._part == "service":
                self.service = self.fields["service"]
        elif self._part == "manifest":
            self.manifest = bytes(self._field) or None  # an empty optional file input sends an empty part

    # --- asynchronous side: write what the callbacks buffered ---

    async def flush(self, force: bool = False) -> None:
        if self._pending and (force or len(self._pending) >= _FLUSH_AT):
            data, self._pending = bytes(self._pending), bytearray()
            await asyncio.to_thread(self._write, data)

    def _write(self, data: bytes) -> None:
        self._hash.update(data)
        assert self._file is not None
        self._file.write(data)


async def read_upload_form(request: Request, *, max_bytes: int, temp_dir: str | None) -> UploadForm:
    """The parsed form; the caller must ``close()`` it. Raises BadForm or TooLarge."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or not params.get(b"boundary"):
        raise BadForm("send the upload as multipart/form-data with the fields 'file' and 'service'")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + _FORM_OVERHEAD:
        raise TooLarge(too_large(max_bytes))
    form = UploadForm(max_bytes, temp_dir)
    parser = MultipartParser(params[b"boundary"], {
        name: getattr(form, name) for name in (
            "on_part_begin", "on_part_data", "on_part_end", "on_header_field", "on_header_value",
            "on_header_end", "on_headers_finished")
    })
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            await form.flush()
        parser.finalize()
        await form.flush(force=True)
    except FormParserError:
        form.close()
        raise BadForm("the multipart body is malformed") from None
    except BaseException:
        form.close()
        raise
    if form.spooled is None:
        form.close()
        raise BadForm("the form has no 'file' field: attach the file as the 'file' field")
    if not form.service:
        form.close()
        raise BadForm("the form has no 'service' field: give the service code, e.g. CAN")
    form.spooled.file.seek(0)
    return form
