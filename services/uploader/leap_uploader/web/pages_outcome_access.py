"""Admin pages: which providers may send outcome extracts of which source (audited, leap_uploader.service.outcome_access)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from leap_uploader.service import outcome_access
from leap_uploader.web.deps import Admin, check_csrf
from leap_uploader.web.pages_admin import _act

router = APIRouter(prefix="/admin/outcomes", include_in_schema=False)
Text = Annotated[str, Form(max_length=256)]
Csrf = Annotated[str, Form(max_length=64)]


@router.post("/allow")
async def allow(request: Request, user: Admin, csrf_token: Csrf, provider_id: Text, source: Text):
    check_csrf(user, csrf_token)
    return await _act(request, user, lambda: outcome_access.allow(request.app.state.services.pool, user.actor,
                                                                  provider_id, source),
                      f"{provider_id} may send outcome extracts of {source.strip().upper()}")


@router.post("/disallow")
async def disallow(request: Request, user: Admin, csrf_token: Csrf, provider_id: Text, source: Text):
    check_csrf(user, csrf_token)
    return await _act(request, user, lambda: outcome_access.disallow(request.app.state.services.pool, user.actor,
                                                                     provider_id, source),
                      f"{provider_id} may no longer send outcome extracts of {source.strip().upper()}")
