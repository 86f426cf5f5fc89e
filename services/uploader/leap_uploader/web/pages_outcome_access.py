"""Admin pages: which providers may send outcome extracts of which source (audited, leap_uploader.service.outcome_access)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from leap_uploader.service import outcome_access
from leap_uploader.service.sign_in import SessionUser
from leap_uploader.web.deps import Admin, check_csrf
from leap_uploader.web.pages_admin import act

router = APIRouter(prefix="/admin/outcomes", include_in_schema=False)
Text = Annotated[str, Form(max_length=256)]
Csrf = Annotated[str, Form(max_length=64)]
Change = Callable[[asyncpg.Pool, str, str, str], Awaitable[bool]]


@router.post("/allow")
async def allow(request: Request, user: Admin, csrf_token: Csrf, provider_id: Text, source: Text):
    return await _change(request, user, csrf_token, outcome_access.allow, provider_id, source,
                         "may send outcome extracts of")


@router.post("/disallow")
async def disallow(request: Request, user: Admin, csrf_token: Csrf, provider_id: Text, source: Text):
    return await _change(request, user, csrf_token, outcome_access.disallow, provider_id, source,
                         "may no longer send outcome extracts of")


async def _change(request: Request, user: SessionUser, csrf_token: str, change: Change, provider_id: str, source: str,
                  says: str) -> HTMLResponse:
    check_csrf(user, csrf_token)
    return await act(request, user, lambda: change(request.app.state.services.pool, user.actor, provider_id, source),
                     f"{provider_id} {says} {source.strip().upper()}")
