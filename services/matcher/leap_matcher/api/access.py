"""Who may ask the matcher for an individual's explanation, and signing in for it.

The same people and the same sign-in as the reporter's: analysts and admins signed in at the uploader
(password and second factor) come back with its one-use assertion (audience ``matcher``) to
``/signin/callback`` and get a server-side session (``leap_contracts.sessions``), ended by ``POST
/signout``, by the uploader's ``SessionsEndedV1`` or when it expires (8 hours). Scripts send
``Authorization: Bearer`` ``MATCHER_ANALYST_TOKEN`` or ``MATCHER_ADMIN_TOKEN``. With none of these set
nobody is admitted (there is no open mode: the explanation is person-level).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from leap_contracts import identity
from leap_contracts.identity import local_path
from leap_contracts.sessions import store
from leap_contracts.sessions.signin import SignInRefused, session_from_assertion

COOKIE = "leap_matcher_session"
STATE_COOKIE = "leap_matcher_signin_state"
SESSION_SECONDS = 8 * 3600
AUDIENCE = "matcher"
ROLES = ("analyst", "admin")
router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Caller:
    role: str | None  # analyst, admin, or None: not admitted
    actor: str
    session: store.PersonSession | None = None


def _token_role(settings, token: str) -> str | None:
    for role in ("admin", "analyst"):
        expected = getattr(settings, f"{role}_token")
        if expected is not None and hmac.compare_digest(token.encode(), expected.get_secret_value().encode()):
            return role
    return None


async def caller(request: Request) -> Caller:
    settings = request.app.state.settings
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        role = _token_role(settings, header[7:].strip())
        return Caller(role, f"token:{role}" if role else "anonymous")
    session = await store.find(request.app.state.pool_of(), request.cookies.get(COOKIE))
    if session and session.role in ROLES:
        return Caller(session.role, f"user:{session.username}", session)
    return Caller(None, "anonymous")


def _secure(request: Request) -> bool:
    return request.app.state.settings.cookie_secure or request.url.scheme == "https"


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head>"
                        f"<body><h1>{title}</h1>{body}</body></html>", status_code=status)


@router.get("/signin")
async def signin(request: Request, next: str = "/") -> Response:
    settings = request.app.state.settings
    if settings.sign_in_url is None:
        return _page("Sign-in is not set up", "<p>This matcher admits scripts with a bearer token only.</p>", 404)
    state = secrets.token_urlsafe(24)
    return_to = f"{request.base_url}signin/callback?{urlencode({'next': local_path(next), 'state': state})}"
    response = RedirectResponse(f"{settings.sign_in_url}?{urlencode({'return_to': return_to})}", status_code=303)
    response.set_cookie(STATE_COOKIE, state, httponly=True, samesite="lax", secure=_secure(request), max_age=600,
                        path="/signin")
    return response


@router.get("/signin/callback")
async def signin_callback(request: Request, assertion: str = "", next: str = "/", state: str = "") -> Response:
    settings = request.app.state.settings
    try:
        expected = request.cookies.get(STATE_COOKIE, "")
        if not expected or not hmac.compare_digest(state.encode(), expected.encode()):
            raise SignInRefused("this sign-in was not started from this browser")
        key = identity.load_public_key(settings.identity_public_key) if settings.identity_public_key else None
        cookie, _ = await session_from_assertion(request.app.state.pool_of(), key, assertion, audience=AUDIENCE,
                                                 roles=ROLES, seconds=SESSION_SECONDS)
    except SignInRefused as exc:
        return _page("Not signed in", f"<p>{_escape(str(exc))}.</p>", 401)
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(COOKIE, cookie, httponly=True, samesite="lax", secure=_secure(request),
                        max_age=SESSION_SECONDS)
    response.delete_cookie(STATE_COOKIE, path="/signin")
    return response


@router.post("/signout")
async def signout(request: Request, csrf_token: Annotated[str, Form(max_length=64)] = "") -> Response:
    who = await caller(request)
    if who.session is None or not hmac.compare_digest(csrf_token.encode(), who.session.csrf_token.encode()):
        raise HTTPException(403, "the sign-out form has expired or did not come from this site")
    await store.end(request.app.state.pool_of(), request.cookies.get(COOKIE))
    response = _page("Signed out", "<p>You are signed out of the matcher.</p>")
    response.delete_cookie(COOKIE)
    return response


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@router.get("/signout")
async def signout_page(request: Request) -> Response:
    who = await caller(request)
    if who.session is None:
        return _page("Not signed in", "<p><a href='/signin'>Sign in</a></p>")
    return _page("Sign out", "<form method='post' action='/signout'><input type='hidden' name='csrf_token' "
                 f"value='{who.session.csrf_token}'><button id='signout'>Sign out</button></form>")
