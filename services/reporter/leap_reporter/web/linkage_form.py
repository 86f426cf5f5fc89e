"""The reach page's form for the linkage published reach uses (admins signed in to the dashboard, with the
form's CSRF token); the rules and the audit are the API's (``leap_reporter.api_linkage``)."""

from __future__ import annotations

import hmac
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from leap_reporter.api import auth
from leap_reporter.api.linkage_routes import change

router = APIRouter(include_in_schema=False)


@router.post("/linkage/policy")
async def policy_from_page(request: Request, csrf_token: str = Form("", max_length=64),
                           published: str = Form("", max_length=20)) -> Response:
    who = await auth.caller(request)
    if who.session is None or who.role is None:
        raise HTTPException(403, "only an admin signed in to the dashboard can change this here "
                                 "(scripts: PUT /api/v1/linkage/policy)")
    if not hmac.compare_digest(csrf_token, who.session.csrf_token):
        raise HTTPException(403, "the form has expired: reload the page and try again")
    try:
        outcome = (await change(request, who, published))["outcome"]
    except HTTPException as refused:  # the page names the refusal from a fixed list (no text in the URL)
        problem = {403: "not_allowed", 409: "not_running"}.get(refused.status_code, "unknown")
        return RedirectResponse(f"/?{urlencode({'linkage_problem': problem})}", status_code=303)
    return RedirectResponse(f"/?{urlencode({'linkage': outcome})}", status_code=303)
