"""The review queue as a page (issue 18): ``GET /tolerant/review`` lists the pending grey-band pairs, best score
first, each with its score, agreement pattern (agree, disagree, missing per piece of evidence) and the two
records' services: never a token, a record id or a clear identifier (the matcher holds none). Analysts and admins
see it; an admin accepts or rejects a pair with a reason (``POST /tolerant/review/{id}``, the form's CSRF token);
the answer goes through the API's service function, so it is audited as every answer is (``review_audit``).
Without a session the page sends people to ``/signin`` (the uploader's single sign-on)."""

from __future__ import annotations

import hmac
from html import escape
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from leap_matcher.api.access import caller
from leap_matcher.adapters import tolerant_store
from leap_matcher.domain.tolerant import TolerantSettings
from leap_matcher.domain.tolerant.review import ReviewPolicy
from leap_matcher.service.tolerant_linking import Publish, answer_review

router = APIRouter(include_in_schema=False)
EVIDENCE = {"child_key": "child key (name, date of birth, carer)", "mk_name_dob": "name sound + date of birth",
            "mk_prefix_dob_swap": "name start + day/month either way", "mk_carer_email_dob": "carer e-mail + date",
            "mk_carer_email_name": "carer e-mail + name", "mk_carer_mobile_dob": "carer mobile + date",
            "carer": "carer", "gender": "gender", "ward": "ward", "name": "name"}
OUTCOMES = {"accepted": "Accepted: the two are linked (unless a conflict forbids it).",
            "rejected": "Rejected: the two are never linked.", "already_decided": "Someone answered it already.",
            "reason_missing": "Give a reason (1 to 500 characters).", "not_allowed": "Only an admin answers.",
            "not_found": "No such review item."}


def _pattern(pattern: dict) -> str:
    return "".join(f"<li><span class='evidence'>{escape(EVIDENCE.get(k, k))}</span>: "
                   f"<span class='{escape(v)}'>{escape(v)}</span></li>" for k, v in sorted(pattern.items()))


def _item(item: dict, csrf: str | None) -> str:
    answer = "" if csrf is None else (
        f"<form method='post' action='/tolerant/review/{item['id']}' class='answer'>"
        f"<input type='hidden' name='csrf_token' value='{escape(csrf)}'>"
        f"<label>Reason <input name='reason' maxlength='500' required id='reason-{item['id']}'></label> "
        f"<button name='accept' value='true' id='accept-{item['id']}'>Same person: link</button> "
        f"<button name='accept' value='false' id='reject-{item['id']}'>Different people: never link</button></form>")
    return (f"<tr id='item-{item['id']}'><td class='score'>{item['score']:.2f}</td>"
            f"<td>{escape(' and '.join(item['services']))}</td><td><ul>{_pattern(item['pattern'])}</ul></td>"
            f"<td>{answer}</td></tr>")


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Review queue · LEAP "
                        "matcher</title><style>body{font-family:sans-serif;margin:2rem}td{vertical-align:top;"
                        "padding:.4rem;border-top:1px solid #ccc}.disagree{color:#a00}.agree{color:#070}</style>"
                        f"</head><body><h1>Tolerant linkage: review queue</h1>{body}</body></html>", status)


@router.get("/tolerant/review")
async def review_page(request: Request) -> Response:
    who = await caller(request)
    if who.role is None:
        return RedirectResponse(f"/signin?{urlencode({'next': '/tolerant/review'})}", status_code=303)
    async with request.app.state.pool_of().acquire() as conn:
        items = await tolerant_store.pending_reviews(conn)
    csrf = who.session.csrf_token if who.session is not None and who.role == "admin" else None
    said = OUTCOMES.get(request.query_params.get("outcome", ""), "")
    notice = f"<p id='outcome' role='status'>{escape(said)}</p>" if said else ""
    rows = "".join(_item(item, csrf) for item in items) or "<tr><td colspan='4' id='empty'>Nothing to review.</td></tr>"
    who_note = "" if csrf else "<p>Only an admin signed in here answers; you see the queue.</p>"
    return _html(f"{notice}{who_note}<p>Pairs whose score fell between the review and the link thresholds, best "
                 "first. Each piece of evidence agrees, disagrees or is missing on one side; no identifier is "
                 f"shown.</p><table id='queue'><thead><tr><th>Score (bits)</th><th>Services</th><th>Agreement"
                 f"</th><th>Answer</th></tr></thead><tbody>{rows}</tbody></table>")


@router.post("/tolerant/review/{review_id}")
async def answer_from_page(request: Request, review_id: Annotated[int, Path(ge=1, le=2 ** 63 - 1)],
                           csrf_token: Annotated[str, Form(max_length=64)] = "",
                           accept: Annotated[str, Form(max_length=5)] = "",
                           reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    who = await caller(request)
    if who.session is None or not hmac.compare_digest(csrf_token.encode(), who.session.csrf_token.encode()):
        raise HTTPException(403, "the form has expired or did not come from this site: reload the page")
    settings = request.app.state.settings
    outcome = await answer_review(
        request.app.state.pool_of(), review_id, actor=who.actor, role=who.role, accept=accept == "true",
        reason=reason.replace("\x00", ""), policy=ReviewPolicy(),
        settings=TolerantSettings(link_at=settings.tolerant_link_at, review_from=settings.tolerant_review_from),
        publish=Publish(settings.topic_prefix, f"review-{review_id}"))
    return RedirectResponse(f"/tolerant/review?{urlencode({'outcome': outcome})}", status_code=303)
