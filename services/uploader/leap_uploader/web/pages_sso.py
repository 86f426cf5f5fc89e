"""``/sso/reporter``: a person signed in here with both factors goes to the reporter's dashboard, vouched for."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request

from leap_uploader.service import accounts, single_sign_on
from leap_uploader.web.deps import SESSION_COOKIE, address, page, policy, redirect

router = APIRouter(include_in_schema=False)


@router.get("/sso/reporter")
async def sso_reporter(request: Request, return_to: str = ""):
    services = request.app.state.services
    key, reporter_url = services.settings.identity_key, services.settings.reporter_url
    if key is None or reporter_url is None:
        return page(request, "message.html", title="Single sign-on is off", status_code=404,
                    error="This uploader is not set up to sign people in to the reporter "
                          "(UPLOADER_IDENTITY_SIGNING_KEY and UPLOADER_REPORTER_URL).")
    if not single_sign_on.allowed_return(return_to, reporter_url):
        return page(request, "message.html", title="Not a reporter address", status_code=400,
                    error=f"return_to must be an address under {reporter_url}: open the dashboard from there.")
    here = f"/sso/reporter?{urlencode({'return_to': return_to})}"
    user = await accounts.current(services.pool, policy(request), request.cookies.get(SESSION_COOKIE))
    if user is None:
        return redirect(f"/sign-in?{urlencode({'next': here})}")
    if not user.second_factor_done:
        return redirect(f"/sign-in/code?{urlencode({'next': here})}")
    try:
        assertion = await single_sign_on.assertion_for_reporter(services.pool, key, user, address(request))
    except single_sign_on.NotAllowed as exc:
        return page(request, "message.html", user, title="Not for your role", status_code=403, error=str(exc))
    separator = "&" if "?" in return_to else "?"
    return redirect(f"{return_to}{separator}{urlencode({'assertion': assertion})}")
