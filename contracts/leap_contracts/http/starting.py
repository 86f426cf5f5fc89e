"""A service still starting answers on its ports: 503 with the reason, never a refused connection.

uvicorn runs the app's lifespan (which waits, with back-off, for PostgreSQL and Kafka:
``leap_contracts.delivery.startup``) before it listens. ``StartingServer`` listens on the same sockets
meanwhile and answers every request, health checks included, ``503`` with ``{"status": "starting",
"reason": ...}``, the reason naming what start-up waits for; once the lifespan is done the app itself answers.
"""

from __future__ import annotations

import asyncio
import json
import socket

import uvicorn

from leap_contracts.delivery.startup import waiting_for

_MAX_HEAD = 64 * 1024


def not_ready_response() -> bytes:
    waiting = waiting_for()
    reason = f"starting: waiting for {waiting}" if waiting else "starting"
    body = json.dumps({"status": "starting", "reason": reason}).encode()
    return (b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 5\r\n"
            b"connection: close\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


class NotYetReady(asyncio.Protocol):
    """One connection: read the request's head, answer 503, close."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport, self.head = transport, b""

    def data_received(self, data: bytes) -> None:
        self.head += data
        if b"\r\n\r\n" in self.head or len(self.head) > _MAX_HEAD:
            self.transport.write(not_ready_response())  # type: ignore[attr-defined]
            self.transport.close()


class StartingServer(uvicorn.Server):
    """uvicorn's server, answering 503 on ``sockets`` while the app's lifespan starts."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        loop = asyncio.get_running_loop()
        stand_ins = [await loop.create_server(NotYetReady, sock=sock.dup()) for sock in sockets or []]
        try:
            await super().startup(sockets=sockets)
        finally:
            for stand_in in stand_ins:  # closes the duplicates only; the app's server keeps the sockets
                stand_in.close()
