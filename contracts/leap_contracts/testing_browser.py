"""What the services' browser tests share: Playwright driving Debian's Chromium, a stand-in for the uploader's
single sign-on, and apps served on free ports with their lifespans off (no Kafka).

The stand-in vouches at once, with a real signed assertion, for whoever the test says; signing in at the real
uploader, with password and TOTP, is ``tests/e2e/test_uploader_browser.py``'s. Without ``/usr/bin/chromium``
(``apt-get install -y chromium``) or the ``playwright`` package a browser test is skipped, or fails under
``LEAP_REQUIRE_SERVICES=1`` (as ``make test`` runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from leap_contracts import identity

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.responses import RedirectResponse
    from playwright.async_api import Browser, Playwright
    from starlette.types import ASGIApp

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _playwright() -> Callable[[], contextlib.AbstractAsyncContextManager[Playwright]]:
    try:
        from playwright.async_api import async_playwright
    except ImportError as exc:
        missing = f"playwright is not installed ({exc})"
    else:
        if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
            return async_playwright
        missing = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    if os.environ.get("LEAP_REQUIRE_SERVICES"):
        pytest.fail(missing)
    pytest.skip(missing)


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """A headless Chromium browser (Playwright's ``Browser``), closed on the way out."""
    async with _playwright()() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class SignOn:
    """A stand-in for the uploader's ``/sso/<audience>``: it signs in whoever ``role`` and ``username`` say now
    (a test may change them between sign-ins). Give the service ``public_key`` and ``url(port)``."""

    audience: str
    role: str = "analyst"
    username: str | None = None
    """Default: ``<role>.one``."""
    user_id: int = 1
    private_key: str = field(init=False, repr=False)
    public_key: str = field(init=False)

    def __post_init__(self) -> None:
        self.private_key, self.public_key = identity.new_key_pair()

    def url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}/sso/{self.audience}"

    def app(self) -> FastAPI:
        from fastapi import FastAPI
        from fastapi.responses import RedirectResponse

        app, key = FastAPI(), identity.load_private_key(self.private_key)

        @app.get(f"/sso/{self.audience}", response_model=None)  # the return annotation is no response model
        async def sso(return_to: str) -> RedirectResponse:
            assertion = identity.issue(key, user_id=self.user_id, username=self.username or f"{self.role}.one",
                                       role=self.role, audience=self.audience)
            return RedirectResponse(f"{return_to}&assertion={assertion}", status_code=303)
        return app


@contextlib.asynccontextmanager
async def serving(*apps: tuple[ASGIApp, int]) -> AsyncIterator[None]:
    """Each ``(app, port)`` served by uvicorn on 127.0.0.1 with its lifespan off, until the block ends."""
    import uvicorn

    running = []
    try:
        for app, port in apps:
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None))
            running.append((server, asyncio.create_task(server.serve())))
            while not server.started:
                if running[-1][1].done():
                    running[-1][1].result()  # it could not start: say why
                await asyncio.sleep(0.01)  # until it listens, bounded by the test's timeout (milliseconds)
        yield
    finally:
        for server, task in running:
            server.should_exit = True
            await task
