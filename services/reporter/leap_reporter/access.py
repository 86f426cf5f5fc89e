"""The edge's access rules: signed in or not, and whether the figures are disclosed or exact."""

from __future__ import annotations

from fastapi import HTTPException, Request
from starlette.datastructures import QueryParams

from leap_reporter.auth import Role, role_of
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters, parse_filters
from leap_reporter.settings import Settings

FILTER_PARAMS = ("service", "strand", "ward", "from", "to", "beneficiary_type", "gender", "ethnicity", "age_band")


async def require_role(request: Request) -> Role:
    role = await role_of(request)
    if role is None:
        raise HTTPException(status_code=401, detail="sign in: send 'Authorization: Bearer <token>' or use /signin",
                            headers={"WWW-Authenticate": "Bearer"})
    return role


def disclosure_for(settings: Settings, role: Role, suppression: str | None) -> Disclosure:
    """Suppression stays on unless an admin asks ``suppression=off`` (or the deployment turned it off)."""
    wanted_off = (suppression or "").strip().lower() in ("off", "false", "0", "no")
    if wanted_off and role != "admin":
        raise HTTPException(status_code=403, detail="only an admin can switch small-number suppression off")
    return Disclosure(enabled=settings.suppression and not wanted_off,
                      threshold=settings.suppression_threshold, base=settings.rounding_base)


def filters_from(query: QueryParams) -> ReachFilters:
    """Raises :class:`leap_reporter.domain.filters.InvalidFilters`."""
    return parse_filters(
        service=query.getlist("service") or None, strand=query.get("strand"), ward=query.get("ward"),
        date_from=query.get("from"), date_to=query.get("to"), beneficiary_type=query.get("beneficiary_type"),
        gender=query.get("gender"), ethnicity=query.get("ethnicity"), age_band=query.get("age_band"),
    )
