"""Sign-in (password, then a code from an authenticator app; enrolment by QR code the first time) and sign-out.

``next`` (a local path, e.g. ``/sso/reporter?...``) is carried through both steps and followed at the end.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request

from leap_contracts.identity import local_path

from leap_uploader.service import sign_in as signing_in
from leap_uploader.web.deps import (DEVICE_COOKIE, DEVICE_SECONDS, PRE_SESSION_COOKIE, SESSION_COOKIE, HalfUser, User,
                                    address, check_csrf,
                                    check_pre_session, page, policy, pre_session_token, redirect, set_cookie)

router = APIRouter(include_in_schema=False)
Next = Annotated[str, Form(max_length=2100)]


def _with_next(path: str, next: str | None) -> str:
    return f"{path}?{urlencode({'next': next})}" if local_path(next) != "/" else path


@router.get("/")
async def home(user: User):
    if user.role == "admin":
        return redirect("/admin")
    return redirect("/uploads")


@router.get("/sign-in")
async def sign_in_page(request: Request, error: str | None = None, status_code: int = 200, next: str | None = None):
    token = pre_session_token(request)
    response = page(request, "sign_in.html", csrf_token=token, error=error, status_code=status_code,
                    next=local_path(next))
    set_cookie(request, response, PRE_SESSION_COOKIE, token, 3600)
    return response


@router.post("/sign-in")
async def sign_in(request: Request, username: Annotated[str, Form(max_length=64)],
                  password: Annotated[str, Form(max_length=256)], csrf_token: Annotated[str, Form(max_length=64)],
                  next: Next = "/"):
    check_pre_session(request, csrf_token)
    pool = request.app.state.services.pool
    try:
        token = await signing_in.sign_in(pool, policy(request), username, password, address(request),
                                       request.cookies.get(DEVICE_COOKIE))
    except signing_in.TooManyAttempts as exc:
        return await sign_in_page(request, str(exc), 429, next)
    except signing_in.SignInRefused as exc:
        return await sign_in_page(request, str(exc), 401, next)
    response = redirect(_with_next("/sign-in/code", next))
    set_cookie(request, response, SESSION_COOKIE, token, None)
    return response


@router.get("/sign-in/code")
async def code_page(request: Request, user: HalfUser, error: str | None = None, status_code: int = 200,
                    next: str | None = None):
    if user.second_factor_done:
        return redirect(local_path(next))
    qr = secret = None
    if not user.enrolled:
        secret, qr = await signing_in.start_enrolment(request.app.state.services.pool, user)
    return page(request, "code.html", user, enrolling=not user.enrolled, qr=qr, secret=secret, error=error,
                status_code=status_code, next=local_path(next))


@router.post("/sign-in/code")
async def code(request: Request, user: HalfUser, code: Annotated[str, Form(max_length=16)],
               csrf_token: Annotated[str, Form(max_length=64)], next: Next = "/"):
    check_csrf(user, csrf_token)
    pool = request.app.state.services.pool
    try:
        token, device = await signing_in.second_factor(pool, policy(request), user, code, address(request),
                                                     request.cookies.get(DEVICE_COOKIE))
    except signing_in.SignInRefused as exc:
        if await signing_in.current(pool, policy(request), request.cookies.get(SESSION_COOKIE)) is None:
            return await sign_in_page(request, f"{exc}; too many wrong codes: sign in again", 401, next)
        return await code_page(request, user, str(exc), 401, next)
    response = redirect(local_path(next))
    set_cookie(request, response, SESSION_COOKIE, token, request.app.state.services.settings.session_seconds)
    set_cookie(request, response, DEVICE_COOKIE, device, DEVICE_SECONDS)
    return response


@router.post("/sign-out")
async def sign_out(request: Request, user: HalfUser, csrf_token: Annotated[str, Form(max_length=64)]):
    check_csrf(user, csrf_token)
    await signing_in.sign_out(request.app.state.services.pool, user, address(request))
    response = redirect("/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
