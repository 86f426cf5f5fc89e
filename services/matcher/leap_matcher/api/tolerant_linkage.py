"""Tolerant linkage over HTTP (issue 18), analysts and admins only, as the explanation is:

- ``GET /api/v1/tolerant/review``: the pending review items, best score first: score, agreement pattern
  and the two records' services; never a token, a record id or a clear identifier (the matcher has none).
- ``POST /api/v1/tolerant/review/{id}`` ``{"accept": bool, "reason": str}``: a reviewer's answer (admins by
  default); people signed in send their session's CSRF token in ``X-CSRF-Token``. Every answer, allowed or
  refused, is a row of ``review_audit``.
- ``GET /api/v1/individuals/{ref}/tolerant-links``: the tolerant individual an individual belongs to and the
  fuzzy links (score, pattern) that make it; audited and rate-limited like the explanation.
- ``GET /api/v1/tolerant/quality``: linkage quality, counts only (see ``quality``).
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Request
from pydantic import BaseModel, Field

from leap_matcher.api import explain
from leap_matcher.api.access import caller
from leap_matcher.adapters import tolerant_quality_sql, tolerant_store
from leap_matcher.domain.identity import individual_id
from leap_matcher.domain.tolerant import TolerantSettings
from leap_matcher.domain.tolerant.quality import Suppression, reach_comparison
from leap_matcher.domain.tolerant.review import ReviewPolicy
from leap_matcher.service.tolerant_linking import Publish, answer_review

router = APIRouter(tags=["tolerant linkage"])
_STATUS = {"accepted": 200, "rejected": 200, "not_found": 404, "not_allowed": 403, "already_decided": 409,
           "reason_missing": 422}


class Answer(BaseModel):
    accept: bool
    reason: str = Field(max_length=500, pattern=r"^[^\x00]*$", description="Why (plain text; no NUL).")


ReviewId = Annotated[int, Path(ge=1, le=2 ** 63 - 1, description="The review item's id.")]


async def _admitted(request: Request):
    who = await caller(request)
    if who.role is None:
        raise HTTPException(401, "sign in as an analyst or admin (/signin), or send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    return who


@router.get("/api/v1/tolerant/review", responses={401: {}})
async def review_queue(request: Request) -> list[dict]:
    await _admitted(request)
    async with request.app.state.pool_of().acquire() as conn:
        return await tolerant_store.pending_reviews(conn)


@router.post("/api/v1/tolerant/review/{review_id}", responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
async def answer(request: Request, review_id: ReviewId, body: Answer, who=Depends(_admitted),
                 x_csrf_token: str | None = Header(default=None)) -> dict:
    """Who is asking is settled first (a dependency): a caller who may not answer gets 401, not the body's 422."""
    if who.session is not None and not hmac.compare_digest((x_csrf_token or "").encode(),
                                                            who.session.csrf_token.encode()):
        raise HTTPException(403, "send the session's CSRF token in X-CSRF-Token")
    settings = request.app.state.settings
    outcome = await answer_review(
        request.app.state.pool_of(), review_id, actor=who.actor, role=who.role, accept=body.accept,
        reason=body.reason, policy=ReviewPolicy(),
        settings=TolerantSettings(link_at=settings.tolerant_link_at, review_from=settings.tolerant_review_from),
        publish=Publish(settings.topic_prefix, f"review-{review_id}"))
    if _STATUS[outcome] != 200:
        raise HTTPException(_STATUS[outcome], outcome)
    return {"id": review_id, "state": outcome}


@router.get("/api/v1/individuals/{ref}/tolerant-links", responses={401: {}, 404: {}, 429: {}})
async def tolerant_links(request: Request, ref: str) -> dict:
    pool, settings = request.app.state.pool_of(), request.app.state.settings
    who = await caller(request)
    address = request.client.host if request.client else "unknown"
    if await explain._recent(pool, who.role, who.actor, address) >= settings.explanations_per_minute:
        await explain._audit(pool, who.actor, who.role, address, ref, 429)
        raise HTTPException(429, "too many explanations asked for in the last minute: wait a minute",
                            headers={"Retry-After": "60"})
    if who.role is None:
        await explain._audit(pool, who.actor, None, address, ref, 401)
        raise HTTPException(401, "sign in as an analyst or admin (/signin), or send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    asked = individual_id(ref) if explain._REF.fullmatch(ref) else None
    found = None
    if asked is not None:
        async with pool.acquire() as conn:
            found = await tolerant_store.explain(conn, asked)
    await explain._audit(pool, who.actor, who.role, address, ref, 200 if found else 404)
    if found is None:
        raise HTTPException(404, "no such individual under tolerant linkage")
    return {"individual_ref": ref, **found}


@router.get("/api/v1/tolerant/quality", responses={401: {}})
async def quality(request: Request) -> dict:
    """Linkage quality (counts, never a person, small numbers suppressed): exact and tolerant reach side by
    side with the estimated over-count, per upload and per provider the share of records joined only through
    a fuzzy link and of records tolerant linkage split off, and two data-quality findings."""
    await _admitted(request)
    suppression = Suppression()
    async with request.app.state.pool_of().acquire() as conn:
        reach = await tolerant_quality_sql.reach(conn)
        by = {key: await tolerant_quality_sql.rates(conn, key) for key in ("upload_id", "provider_id")}
        found = await tolerant_quality_sql.findings(conn)
    return {
        "reach": reach_comparison(reach["exact"], reach["tolerant"], reach["pending"], suppression),
        **{f"by_{key.removesuffix('_id')}": [
            {key: row["key"], "records": suppression.count(row["records"]),
             "fuzzy_linked_share": suppression.rate(row["fuzzy_linked"], row["records"]),
             "split_share": suppression.rate(row["split"], row["records"])} for row in rows]
           for key, rows in by.items()},
        "findings": {name: suppression.count(n) for name, n in found.items()},
    }
