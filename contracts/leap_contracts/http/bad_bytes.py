"""Refuse a request whose query, path, headers or form fields hold bytes no field of the platform accepts.

NUL, the other C0 control characters and DEL (tab allowed in headers only), or bytes that are not UTF-8,
would otherwise reach a handler and then PostgreSQL, which refuses NUL in text (a 500). Refused here with a
400 naming where the byte is (never the value), before any route runs. Form bodies
(``application/x-www-form-urlencoded``) are read, checked and replayed to the app; multipart bodies are left
to the app's own reader (files are bytes), which checks its text fields with :func:`problem_in`.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
MAX_FORM_BYTES = 1024 * 1024
_NAMES = {0: "NUL", 9: "tab", 10: "line feed", 13: "carriage return", 0x7F: "DEL"}


def _describe(char: str) -> str:
    return _NAMES.get(ord(char), f"control character U+{ord(char):04X}")


def problem_in(raw: bytes, where: str, *, control: re.Pattern[str] = _CONTROL) -> str | None:
    """What is wrong with one decoded field (None when nothing): not UTF-8, or a control character."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"{where} is not valid UTF-8: send text encoded as UTF-8"
    found = control.search(text)
    return f"{where} holds a {_describe(found.group())}: remove it" if found else None


def problem_in_text(text: str, where: str) -> str | None:
    found = _CONTROL.search(text)
    return f"{where} holds a {_describe(found.group())}: remove it" if found else None


def _query_problem(query: bytes) -> str | None:
    for pair in query.split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        name_bytes = unquote_to_bytes(name.replace(b"+", b" "))
        label = name_bytes.decode("utf-8", "replace")
        label = "a parameter name" if _CONTROL.search(label) or len(label) > 40 else f"parameter '{label}'"
        for raw, where in ((name_bytes, "a parameter name"),
                           (unquote_to_bytes(value.replace(b"+", b" ")), label)):
            if problem := problem_in(raw, where):
                return problem
    return None


def request_problem(scope: Scope) -> str | None:
    """The first bad byte of the request line and headers, described (no value), or None."""
    raw_path = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogateescape")
    if problem := problem_in(unquote_to_bytes(raw_path), "the path"):
        return problem
    if problem := _query_problem(scope.get("query_string", b"")):
        return problem
    for name, value in scope.get("headers", []):
        where = f"header '{name.decode('latin-1')[:40]}'"
        if problem := problem_in(value, where, control=_HEADER_CONTROL):
            return problem
    return None


class RefuseBadBytes:
    """ASGI middleware: a 400 for bad bytes anywhere in a request's text (see the module's docstring)."""

    def __init__(self, app: ASGIApp, max_form_bytes: int = MAX_FORM_BYTES) -> None:
        self.app, self.max_form_bytes = app, max_form_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if problem := request_problem(scope):
            await _refuse(send, problem)
            return
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"").split(b";")[0].strip().lower()
        if content_type != b"application/x-www-form-urlencoded":
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_form_bytes:
                await _refuse(send, "the form is too large", status=413)
                return
        if problem := _query_problem(body):
            await _refuse(send, problem.replace("parameter", "form field"))
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Send, problem: str, status: int = 400) -> None:
    body = json.dumps({"detail": problem}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})
