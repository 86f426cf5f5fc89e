"""``/sso/reporter`` and ``/sso/matcher``: a person signed in here with both factors goes to the reporter's
dashboard (or the matcher's explanations), vouched for; sent back only to that service's sign-in callback."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request

from leap_uploader.service import sign_in, single_sign_on
from leap_uploader.web.deps import SESSION_COOKIE, address, page, policy, redirect

router = APIRouter(include_in_schema=False)
_SETTING = {"reporter": "UPLOADER_REPORTER_URL", "matcher": "UPLOADER_MATCHER_URL"}


@router.get("/sso/reporter")
async def sso_reporter(request: Request, return_to: str = ""):
    return await _sso(request, "reporter", return_to)


@router.get("/sso/matcher")
async def sso_matcher(request: Request, return_to: str = ""):
    return await _sso(request, "matcher", return_to)


async def _sso(request: Request, audience: str, return_to: str):
    services = request.app.state.services
    key = services.settings.identity_key
    service_url = getattr(services.settings, f"{audience}_url")
    if key is None or service_url is None:
        return page(request, "message.html", title="Single sign-on is off", status_code=404,
                    error=f"This uploader is not set up to sign people in to the {audience} "
                          f"(UPLOADER_IDENTITY_SIGNING_KEY and {_SETTING[audience]}).")
    if not single_sign_on.allowed_return(return_to, service_url):
        return page(request, "message.html", title=f"Not the {audience}'s sign-in address", status_code=400,
                    error=f"return_to must be {service_url}{single_sign_on.CALLBACK}: open the {audience} "
                          "from there and sign in again.")
    here = f"/sso/{audience}?{urlencode({'return_to': return_to})}"
    user = await sign_in.current(services.pool, policy(request), request.cookies.get(SESSION_COOKIE))
    if user is None:
        return redirect(f"/sign-in?{urlencode({'next': here})}")
    if not user.second_factor_done:
        return redirect(f"/sign-in/code?{urlencode({'next': here})}")
    try:
        assertion = await single_sign_on.assertion_for_reporter(services.pool, key, user, address(request),
                                                                audience=audience)
    except single_sign_on.NotAllowed as exc:
        return page(request, "message.html", user, title="Not for your role", status_code=403, error=str(exc))
    separator = "&" if "?" in return_to else "?"
    return redirect(f"{return_to}{separator}{urlencode({'assertion': assertion})}")
