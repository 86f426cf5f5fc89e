"""The edge's access rules as dependencies: signed in or not (``RoleDep``), and whether the figures are
disclosed or exact (``Disclosed``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request

from leap_reporter.api import deps
from leap_reporter.api.auth import Role, role_of
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.settings import Settings


async def require_role(request: Request) -> Role:
    role = await role_of(request)
    if role is None:
        raise HTTPException(status_code=401, detail="sign in: send 'Authorization: Bearer <token>' or use /signin",
                            headers={"WWW-Authenticate": "Bearer"})
    return role


RoleDep = Annotated[Role, Depends(require_role)]


def disclosure_for(settings: Settings, role: Role, suppression: str | None) -> Disclosure:
    """Suppression stays on unless an admin asks ``suppression=off`` (or the deployment turned it off)."""
    wanted_off = (suppression or "").strip().lower() in ("off", "false", "0", "no")
    if wanted_off and role != "admin":
        raise HTTPException(status_code=403, detail="only an admin can switch small-number suppression off")
    return Disclosure(enabled=settings.suppression and not wanted_off,
                      threshold=settings.suppression_threshold, base=settings.rounding_base)


async def disclosed(request: Request, role: RoleDep, suppression: Annotated[
        str | None, Query(description="'off' for exact figures (admins only).")] = None) -> Disclosure:
    return disclosure_for(deps.settings(request), role, suppression)


Disclosed = Annotated[Disclosure, Depends(disclosed)]
