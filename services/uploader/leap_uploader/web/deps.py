"""What every page needs: the signed-in user from the session cookie, CSRF checks, templates, the client address."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from leap_uploader.service import sign_in
from leap_uploader.service.sign_in import Policy, SessionUser

SESSION_COOKIE = "leap_session"
PRE_SESSION_COOKIE = "leap_presession"
DEVICE_COOKIE = "leap_device"  # a browser that completed a sign-in (leap_uploader.domain.throttle)
DEVICE_SECONDS = 365 * 24 * 3600
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


class Redirect(Exception):
    """Raised by a dependency to send the browser elsewhere (e.g. to sign in)."""

    def __init__(self, to: str) -> None:
        self.to = to


def policy(request: Request) -> Policy:
    s = request.app.state.services.settings
    return Policy(max_failures=s.sign_in_max_failures, lock_seconds=s.sign_in_lock_seconds,
                  address_limit=s.sign_in_address_limit, alert_failures=s.sign_in_alert_failures,
                  session_seconds=s.session_seconds,
                  idle_seconds=s.session_idle_seconds)


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def half_session(request: Request) -> SessionUser:
    """A session whose password step is done (second factor maybe not)."""
    user = await sign_in.current(request.app.state.services.pool, policy(request), request.cookies.get(SESSION_COOKIE))
    if user is None:
        raise Redirect("/sign-in")
    return user


async def signed_in(user: Annotated[SessionUser, Depends(half_session)]) -> SessionUser:
    if not user.second_factor_done:
        raise Redirect("/sign-in/code")
    return user


def role(*allowed: str):
    async def check(user: Annotated[SessionUser, Depends(signed_in)]) -> SessionUser:
        if user.role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "your role may not use this page")
        return user
    return check


HalfUser = Annotated[SessionUser, Depends(half_session)]
User = Annotated[SessionUser, Depends(signed_in)]
Admin = Annotated[SessionUser, Depends(role("admin"))]
ProviderUser = Annotated[SessionUser, Depends(role("provider"))]


def check_csrf(user: SessionUser, token: str | None) -> None:
    if not token or not hmac.compare_digest(token, user.csrf_token):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the form has expired or did not come from this site: "
                                                       "reload the page and try again")


def set_cookie(request: Request, response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict", path="/",
                        secure=request.app.state.services.settings.cookie_secure)


def pre_session_token(request: Request) -> str:
    return request.cookies.get(PRE_SESSION_COOKIE) or secrets.token_urlsafe(24)


def check_pre_session(request: Request, token: str | None) -> None:
    cookie = request.cookies.get(PRE_SESSION_COOKIE)
    if not cookie or not token or not hmac.compare_digest(cookie, token):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the sign-in form has expired: reload the page and try again")


def page(request: Request, template: str, user: SessionUser | None = None, status_code: int = 200,
         **context) -> HTMLResponse:
    return templates.TemplateResponse(request, template, {"user": user, **context}, status_code=status_code)


def redirect(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=status.HTTP_303_SEE_OTHER)
