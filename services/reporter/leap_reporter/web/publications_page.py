"""The "Published returns" page: every published return with its manifest's essentials and download links,
and (for analysts and admins signed in to the dashboard) a form to publish one."""

from __future__ import annotations

import hmac
import uuid
from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from leap_reporter.adapters import publications
from leap_reporter.api import auth, deps
from leap_reporter.api.access import disclosure_for
from leap_reporter.api.publication_routes import links
from leap_reporter.domain.publication import InvalidReturn, NotUpToDate, return_request
from leap_reporter.service.publish import Publisher, publish
from leap_reporter.service.revision_report import HistoryTooShort, NoSuchReturn, revision_report
from leap_reporter.web.pages import templates

router = APIRouter(include_in_schema=False)


async def _page(request: Request, *, problems: list[str] = (), form: dict | None = None,
                status_code: int = 200) -> Response:
    who = await auth.caller(request)
    if who.role is None:
        return RedirectResponse(f"/signin?{urlencode({'next': request.url.path})}", status_code=303)
    found = await publications.listed(deps.pool(request))
    html = templates.get_template("publications.html").render(
        request=request, role=who.role, page="publications", query="", freshness="", problems=list(problems),
        returns=[{**row, "links": links(str(row["publication_id"]))} for row in found], form=form or {},
        published=request.query_params.get("published", ""), can_publish=who.session is not None,
        csrf_token=who.session.csrf_token if who.session else "")
    return HTMLResponse(html, status_code=status_code)


@router.get("/publications")
async def publications_page(request: Request) -> Response:
    return await _page(request)


def _day(field: str, value: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(f"{field}: '{value[:20]}' is not a date; use YYYY-MM-DD")
        return None


@router.post("/publications")
async def publish_from_page(request: Request, csrf_token: str = Form("", max_length=64),
                            name: str = Form("", max_length=400), period_from: str = Form("", alias="from"),
                            period_to: str = Form("", alias="to"), accept_as_of: str = Form("")) -> Response:
    """Publish from the page's form (a signed-in analyst or admin, with the form's CSRF token)."""
    who = await auth.caller(request)
    if who.session is None or who.role not in auth.PEOPLE_ROLES:
        raise HTTPException(status_code=403, detail="only an analyst or admin signed in to the dashboard can "
                                                    "publish here (scripts: POST /api/v1/publications)")
    if not hmac.compare_digest(csrf_token, who.session.csrf_token):
        raise HTTPException(status_code=403, detail="the form has expired: reload the page and try again")
    form = {"name": name, "from": period_from, "to": period_to, "accept_as_of": bool(accept_as_of)}
    problems: list[str] = []
    start, end = _day("from", period_from, problems), _day("to", period_to, problems)
    if problems:
        return await _page(request, problems=problems, form=form, status_code=422)
    settings = deps.settings(request)
    try:
        manifest = await publish(deps.pool(request), deps.reach_index(request),
                                 return_request(name, start, end, None, bool(accept_as_of)),
                                 disclosure_for(settings, who.role, None),  # type: ignore[arg-type]
                                 Publisher(who.session.username, who.role), settings.code_version,
                                 deps.as_at_indexes(request))
    except InvalidReturn as exc:
        return await _page(request, problems=[f"{p.field}: {p.message}" for p in exc.problems], form=form,
                           status_code=422)
    except NotUpToDate as exc:
        return await _page(request, problems=[f"Not published: {exc}"], form=form, status_code=409)
    return RedirectResponse(f"/publications?{urlencode({'published': manifest['publication_id']})}",
                            status_code=303)


@router.get("/publications/{publication_id}/revisions")
async def revisions_page(request: Request, publication_id: uuid.UUID) -> Response:
    """The revision report of one return, as a page (the same as /api/v1/publications/{id}/revisions)."""
    who = await auth.caller(request)
    if who.role is None:
        return RedirectResponse(f"/signin?{urlencode({'next': request.url.path})}", status_code=303)
    problems, report = [], None
    try:
        report = await revision_report(deps.pool(request), deps.as_at_indexes(request), publication_id)
    except NoSuchReturn as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    except HistoryTooShort as exc:
        problems = [str(exc)]
    html = templates.get_template("revisions.html").render(
        request=request, role=who.role, page="publications", query="", freshness="", problems=problems,
        report=report, links=links(str(publication_id)), csrf_token=who.session.csrf_token if who.session else "")
    return HTMLResponse(html, status_code=409 if problems else 200)
