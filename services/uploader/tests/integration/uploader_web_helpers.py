"""Drive the pages like a browser does (cookies, CSRF fields, TOTP codes) over the ASGI transport."""

from __future__ import annotations

import re
import time

import httpx
import pyotp

from leap_uploader.service import users

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_SECRET = re.compile(r'id="totp-secret">([A-Z2-7]+)<')


def csrf(html: str) -> str:
    return _CSRF.search(html).group(1)


class Browser:
    def __init__(self, app, address: str = "127.0.0.1") -> None:
        transport = httpx.ASGITransport(app=app, client=(address, 50000))
        self.http = httpx.AsyncClient(transport=transport, base_url="https://uploader", follow_redirects=True)
        self.secret: str | None = None
        self.offset = 0

    async def close(self) -> None:
        await self.http.aclose()

    async def password_step(self, username: str, password: str = PASSWORD) -> httpx.Response:
        page = await self.http.get("/sign-in")
        return await self.http.post("/sign-in", data={"username": username, "password": password,
                                                      "csrf_token": csrf(page.text)})

    def next_code(self) -> str:
        """A fresh code: each call moves one step on (the server accepts one step of clock drift)."""
        self.offset += 1
        return pyotp.TOTP(self.secret).at(time.time() + 30 * min(self.offset, 1))

    async def sign_in(self, username: str, secret: str | None = None) -> httpx.Response:
        page = await self.password_step(username)
        assert page.status_code == 200, page.text
        if secret is None:
            self.secret = _SECRET.search(page.text).group(1)
        code = pyotp.TOTP(self.secret).now()
        return await self.http.post("/sign-in/code", data={"code": code, "csrf_token": csrf(page.text)})

    async def token(self, path: str = "/uploads") -> str:
        return csrf((await self.http.get(path)).text)


async def make_user(pool, username: str, role: str, provider_id: str | None = None) -> int:
    return await users.create_user(pool, "test", username, role, provider_id, PASSWORD)
