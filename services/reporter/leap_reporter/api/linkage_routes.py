"""/api/v1/linkage/policy: which linkage published reach uses (issue 18). Anyone signed in reads it; only an
admin changes it (people signed in send their session's CSRF token in ``X-CSRF-Token``); every attempt by a
signed-in caller, allowed or refused, is a row of ``linkage_policy_audit``. Tolerant linkage can be chosen
only while it runs (REPORTER_TOLERANT_LINKING): else 409, saying so. The dashboard's reach page has the form."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import BaseModel, Field

from leap_reporter.adapters import tolerant_linkage
from leap_reporter.api import auth, deps
from leap_reporter.api.access import RoleDep
from leap_reporter.domain.linkage_policy import PolicyRefused, in_force
from leap_reporter.service.linkage import set_policy

router = APIRouter(prefix="/api/v1", tags=["linkage"])


class PolicyIn(BaseModel):
    published: str = Field(max_length=20, pattern=r"^[^\x00-\x1f]*$", description="'exact' or 'tolerant'.")
    """Any other printable text is refused (422) after it is audited; control characters, which the audit table
    cannot hold (PostgreSQL refuses a NUL), are refused at once."""


async def policy_of(request: Request) -> dict:
    row, running = await tolerant_linkage.published(deps.pool(request)), deps.settings(request).tolerant_linking
    return {"chosen": row["published"], "in_force": in_force(row["published"], running), "tolerant_running": running,
            "changed_by": row["changed_by"], "changed_at": row["changed_at"].isoformat() if row["changed_at"] else None}


@router.get("/linkage/policy", responses={401: {}})
async def get_policy(request: Request, role: RoleDep) -> dict:
    """The chosen linkage, the one in force (exact while tolerant linkage is not running), who chose it and when."""
    return await policy_of(request)


async def change(request: Request, who: auth.Caller, asked: str) -> dict:
    """Change the policy as ``who`` (CSRF already checked); HTTPException 403, 409 or 422 when refused."""
    actor = who.session.username if who.session else f"{who.role} token"
    if who.role != "admin":
        await tolerant_linkage.set_published(deps.pool(request), asked, actor, "not_allowed")
        raise HTTPException(403, "only an admin chooses the linkage published reach uses")
    try:
        outcome = await set_policy(deps.pool(request), asked, actor, deps.settings(request).tolerant_linking)
    except PolicyRefused as refused:
        raise HTTPException(422 if asked not in ("exact", "tolerant") else 409, str(refused)) from None
    return {**await policy_of(request), "outcome": outcome}


@router.put("/linkage/policy", responses={401: {}, 403: {}, 409: {"description": "Tolerant linkage is not running"},
                                          422: {}})
async def put_policy(request: Request, body: PolicyIn, role: RoleDep,
                     x_csrf_token: str | None = Header(default=None)) -> dict:
    """Choose the linkage published reach uses (admins)."""
    who = await auth.caller(request)
    if who.session is not None and not hmac.compare_digest((x_csrf_token or "").encode(),
                                                            who.session.csrf_token.encode()):
        raise HTTPException(403, "send the session's CSRF token in X-CSRF-Token")
    return await change(request, who, body.published)
