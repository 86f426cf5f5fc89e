"""Every service's edge: bad bytes refused, operations endpoints kept internal, a trusted proxy's scheme honoured.

Operations endpoints (``/health/...`` and ``/metrics``) and the service's own API are told apart by the
port a request arrived on. With ``internal_port`` set (``<NAME>_INTERNAL_PORT``; production sets it and
keeps that port off the proxy and the firewall), the operations endpoints answer only there (404 on the
public port) and the API only on the public port. Without it (a laptop, a test run) both share one port,
but a request that came through a proxy (it carries ``Forwarded``, ``X-Forwarded-For`` or ``X-Real-IP``)
is refused the operations endpoints all the same.

``forwarded_allow_ips`` (``<NAME>_FORWARDED_ALLOW_IPS``, comma-separated addresses, ``*`` for any): a
request from one of these takes its scheme and client address from ``X-Forwarded-Proto`` /
``X-Forwarded-For`` (uvicorn's proxy-headers middleware), so cookies get ``Secure`` behind a
TLS-terminating proxy. Default ``127.0.0.1``: a proxy on the same machine.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from leap_contracts.http.bad_bytes import RefuseBadBytes

OPERATIONS = ("/health/", "/metrics")
_PROXIED = (b"forwarded", b"x-forwarded-for", b"x-real-ip")


def is_operations(path: str) -> bool:
    return path == "/metrics" or path.startswith("/health/")


class OperationsInternal:
    """ASGI middleware keeping ``/health/...`` and ``/metrics`` internal (see the module's docstring)."""

    def __init__(self, app: ASGIApp, internal_port: int | None = None) -> None:
        self.app, self.internal_port = app, internal_port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            operations = is_operations(scope.get("path", ""))
            if self.internal_port is not None:
                on_internal = (scope.get("server") or (None, None))[1] == self.internal_port
                refused = operations != on_internal
            else:
                refused = operations and any(name in _PROXIED for name, _ in scope.get("headers", []))
            if refused:
                body = b'{"detail":"Not Found"}'
                await send({"type": "http.response.start", "status": 404,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def harden(app: FastAPI, *, internal_port: int | None = None, forwarded_allow_ips: str = "127.0.0.1") -> FastAPI:
    """Install the edge on ``app`` (outermost first: proxy headers, operations, bad bytes)."""
    app.add_middleware(RefuseBadBytes)
    app.add_middleware(OperationsInternal, internal_port=internal_port)
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=[h.strip() for h in forwarded_allow_ips.split(",")])
    return app


def serve(app: ASGIApp | str, *, host: str, port: int, internal_port: int | None = None, workers: int = 1,
          factory: bool = False, **options: Any) -> None:
    """Run ``app`` with uvicorn on ``port`` and, when set, ``internal_port`` too (one process or ``workers``).
    One process answers 503 while it starts (``leap_contracts.http.starting``); with ``workers`` the sockets
    listen from the start and requests wait for a worker."""
    import socket

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from leap_contracts.http.starting import StartingServer

    config = uvicorn.Config(app, host=host, port=port, workers=workers, factory=factory, log_config=None,
                            proxy_headers=False,  # harden() installs the proxy-headers middleware itself
                            **options)
    if internal_port is None:
        if workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            StartingServer(config).run(sockets=[config.bind_socket()])
        return
    sockets = []
    for p in (port, internal_port):
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, p))
        sock.set_inheritable(True)
        sockets.append(sock)
    if workers > 1:
        Multiprocess(config, sockets=sockets).run()
    else:
        StartingServer(config).run(sockets=sockets)
