"""Dashboard pages for analysts: server-rendered, every table linked to its CSV and XLSX export."""

from __future__ import annotations

import asyncio
import hmac
import secrets
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
import structlog
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from leap_contracts.catalogue import SERVICES, STRANDS
from leap_contracts.identity import local_path
from leap_contracts.sessions import store as sessions

from leap_reporter.adapters import breakdowns
from leap_reporter.api import auth, deps
from leap_reporter.api.figure_routes import ask_from
from leap_reporter.api.reach_query import FILTER_PARAMS
from leap_reporter.domain.age import ALL_BANDS
from leap_reporter.domain.filters import BENEFICIARY_TYPES, GENDERS, InvalidFilters
from leap_reporter.service.figures import figure
from leap_reporter.service.linkage import reach_under_policy
from leap_reporter.service.revision_notes import revised_returns
from leap_reporter.web.svg import bar_chart

router = APIRouter(include_in_schema=False)
templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"]))
PERIODS = ("month", "quarter", "year")
log = structlog.get_logger()
_SECTION = {"reach.html": "reach", "engagement.html": "engagement", "quality.html": "quality", "upload.html": "quality",
            "programme.html": "programme"}


def _query(request: Request, *extra: str) -> str:
    keep = [(k, v) for k, v in request.query_params.multi_items()
            if k in (*FILTER_PARAMS, "suppression", "consistency", "as_at", *extra) and v]
    return urlencode(keep)


async def _render(request: Request, page: str, names: list[str], **context) -> Response:
    who = await auth.caller(request)
    role = who.role
    if role is None:
        return RedirectResponse(f"/signin?{urlencode({'next': request.url.path})}", status_code=303)
    problems: list[str] = []
    tables = {}
    try:
        ask = await ask_from(request, role, context.get("upload"))
        found = await asyncio.gather(*(figure(deps.pool(request), n, ask) for n in names))
        tables = dict(zip(names, found, strict=True))
        if page == "reach.html":  # the published linkage and the other count beside it
            context["linkage"] = (await reach_under_policy(deps.pool(request), ask.filters, ask.disclosure,
                                                           ask.view, ask.tolerant_running))[1]
            context["as_at"] = ask.view.as_at
            context["now_query"] = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "as_at"])
            if ask.view.as_at is None:  # returns whose figures changed since they were published
                context["revised"] = await revised_returns(deps.pool(request), ask.view)
    except InvalidFilters as exc:
        problems = [f"{p.param}: {p.message}" for p in exc.problems]
    except HTTPException as exc:
        problems = [str(exc.detail)]
    wards = await breakdowns.wards_by_name(deps.pool(request))
    html = templates.get_template(page).render(
        request=request, q=request.query_params, query=_query(request), tables=tables, problems=problems,
        role=role, services=SERVICES, strands=STRANDS, wards=wards, bands=ALL_BANDS, genders=GENDERS,
        types=BENEFICIARY_TYPES, periods=PERIODS, page=_SECTION[page], freshness=_freshness(tables.values()),
        csrf_token=who.session.csrf_token if who.session else "", **context)
    return HTMLResponse(html, status_code=422 if problems else 200)


def _freshness(tables) -> str:
    """One note for the page when its figures are not up to date (they all come from one snapshot)."""
    return next((t.freshness_note() for t in tables if not t.up_to_date), "")


@router.get("/")
async def reach_page(request: Request) -> Response:
    period = request.query_params.get("period") if request.query_params.get("period") in PERIODS else "quarter"
    names = ["reach-by-service", f"reach-by-{period}", f"new-by-{period}", "reach-by-strand", "reach-by-ward",
             "reach-by-beneficiary_type", "reach-by-age_band", "reach-by-gender", "reach-by-ethnicity"]
    return await _render(request, "reach.html", names, period=period, chart=_chart)


def _chart(over_time, new) -> Markup:
    labels = [r[1] for r in over_time.rows if r[0] != "total"]
    reached = [r[2] for r in over_time.rows if r[0] != "total"]
    cumulative = {r[1]: r[3] for r in new.rows}
    return Markup(bar_chart(labels, reached, line=[cumulative.get(label, "") for label in labels],
                            title="Unique beneficiaries per period (bars) and cumulative new (line)"))


@router.get("/engagement")
async def engagement_page(request: Request) -> Response:
    return await _render(request, "engagement.html", ["services-per-individual", "contacts-per-individual",
                                                      "once-only", "families", "overlap"])


@router.get("/quality")
async def quality_page(request: Request) -> Response:
    return await _render(request, "quality.html", ["quality-by-provider", "quality-by-service", "quality-uploads",
                                                   "quality-missing-months", "quality-linkage",
                                                   "quality-linkage-by-provider", "quality-linkage-by-upload"])


@router.get("/quality/{upload}")
async def upload_page(request: Request, upload: str) -> Response:
    return await _render(request, "upload.html", ["quality-uploads", "quality-problems"], upload=upload)


def _signin_page(request: Request, *, next: str = "/", error: str | None = None, notice: str | None = None,
                 status_code: int = 200) -> HTMLResponse:
    settings = deps.settings(request)
    html = templates.get_template("signin.html").render(
        next=local_path(next), error=error, notice=notice, single_sign_on=auth.single_sign_on(settings),
        sign_in_link=f"/signin?{urlencode({'next': local_path(next)})}")
    return HTMLResponse(html, status_code=status_code)


STATE_COOKIE = "leap_reporter_signin_state"
STATE_SECONDS = 600


def _set_session(request: Request, response: Response, cookie: str) -> None:
    response.set_cookie(auth.COOKIE, cookie, httponly=True, samesite="lax", secure=auth.cookie_secure(request),
                        max_age=auth.SESSION_SECONDS)


@router.get("/signin")
async def signin_form(request: Request) -> Response:
    settings, next = deps.settings(request), local_path(request.query_params.get("next"))
    if not auth.single_sign_on(settings):
        return _signin_page(request, next=next)
    # The state ties the callback to this browser: nobody can sign someone else in as themselves.
    state = secrets.token_urlsafe(24)
    return_to = f"{request.base_url}signin/callback?{urlencode({'next': next, 'state': state})}"
    response = RedirectResponse(f"{settings.sign_in_url}?{urlencode({'return_to': return_to})}", status_code=303)
    response.set_cookie(STATE_COOKIE, state, httponly=True, samesite="lax", secure=auth.cookie_secure(request),
                        max_age=STATE_SECONDS, path="/signin")
    return response


@router.get("/signin/callback")
async def signin_callback(request: Request, assertion: str = "", next: str = "/", state: str = "") -> Response:
    try:
        expected = request.cookies.get(STATE_COOKIE, "")
        if not expected or not hmac.compare_digest(state, expected):
            raise auth.SignInRefused("this sign-in was not started from this browser: open the dashboard again")
        cookie, session = await auth.session_from_assertion(deps.pool(request), deps.settings(request),
                                                            assertion)
    except auth.SignInRefused as exc:
        log.info("reporter.sign_in_refused", reason=str(exc))
        return _signin_page(request, next=next, error=f"Not signed in: {exc}.", status_code=401)
    log.info("reporter.signed_in", role=session.role, via="uploader")
    response = RedirectResponse(local_path(next), status_code=303)
    _set_session(request, response, cookie)
    response.delete_cookie(STATE_COOKIE, path="/signin")
    return response


@router.post("/signin")
async def signin(request: Request, token: str = Form(...), next: str = Form("/")) -> Response:
    settings = deps.settings(request)
    if auth.single_sign_on(settings):
        raise HTTPException(status_code=404, detail="people sign in through the uploader: open /signin")
    role = auth.role_for_token(settings, token)
    if role is None:
        return _signin_page(request, next=next, error="That token is not valid.", status_code=401)
    log.info("reporter.signed_in", role=role, via="token")
    response = RedirectResponse(local_path(next), status_code=303)
    _set_session(request, response, (await auth.session_for_token(deps.pool(request), role))[0])
    return response


@router.get("/signout")
async def signout_page(request: Request) -> Response:
    """Signing out is a POST with the session's CSRF token (another site cannot sign anyone out); this
    page only offers the button."""
    who = await auth.caller(request)
    html = templates.get_template("signout.html").render(signed_in=who.session is not None,
                                                         csrf_token=who.session.csrf_token if who.session else "")
    return HTMLResponse(html)


@router.post("/signout")
async def signout(request: Request, csrf_token: str = Form("", max_length=64)) -> Response:
    who = await auth.caller(request)
    if who.session is None or not hmac.compare_digest(csrf_token, who.session.csrf_token):
        raise HTTPException(status_code=403, detail="the sign-out form has expired or did not come from this site: "
                                                    "reload the page and try again")
    await sessions.end(deps.pool(request), request.cookies.get(auth.COOKIE))
    log.info("reporter.signed_out", role=who.role)
    if auth.single_sign_on(deps.settings(request)):  # /signin would sign straight back in at the uploader
        response: Response = _signin_page(request, notice="You are signed out of the dashboard.")
    else:
        response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(auth.COOKIE)
    return response


@router.post("/sessions/end-all")
async def end_all_sessions(request: Request, csrf_token: str = Form("", max_length=64)) -> Response:
    """An admin ends every dashboard session, their own included (everyone signs in again)."""
    who = await auth.caller(request)
    if who.session is None or who.role != "admin":
        raise HTTPException(status_code=403, detail="only an admin signed in to the dashboard can end every session")
    if not hmac.compare_digest(csrf_token, who.session.csrf_token):
        raise HTTPException(status_code=403, detail="the form has expired: reload the page and try again")
    ended = await sessions.end_all(deps.pool(request))
    log.info("reporter.sessions_ended", by=who.session.username, sessions=ended)
    response = _signin_page(request, notice=f"Every dashboard session ended ({ended}): sign in again.")
    response.delete_cookie(auth.COOKIE)
    return response
