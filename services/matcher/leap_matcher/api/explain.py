"""``GET /api/v1/individuals/{ref}/explanation``: why an individual is what it is, for analysts and admins only.

Authorisation comes first: a caller who is not admitted gets the same 401 whatever the reference (an
unknown one looks like any other), so references cannot be probed. Every call, admitted or not, is a row
of ``matcher.explanation_audit``; a caller (or, refused, an address) asking more than
``MATCHER_EXPLANATIONS_PER_MINUTE`` in a minute gets 429, so references cannot be walked either.

Admins see the whole explanation, upload ids and row numbers included (to trace a provider's row).
Both see, under ``tolerant``, the tolerant individual it belongs to and each fuzzy link's score and
agreement pattern (issue 18; null when tolerant linkage has not seen the individual).
Analysts see what small-number suppression allows of one person: which identifier TYPES joined which of
the records, each record's service, merges and relationships by reference; no attributes (birth month,
gender, ward, ethnicity, language), no engagement dates, no upload ids or row numbers.
"""

from __future__ import annotations

import re

import asyncpg
from fastapi import APIRouter, HTTPException, Request

from leap_matcher.api.access import caller
from leap_matcher.adapters import explanation, tolerant_store
from leap_matcher.domain.identity import individual_id

router = APIRouter(tags=["explanation"])
_REF = re.compile(r"IND-[0-9]{1,18}", re.ASCII)
WITHHELD_FROM_ANALYSTS = ["attributes", "engagement dates", "upload ids", "row numbers"]


async def _audit(pool: asyncpg.Pool, actor: str, role: str | None, address: str, ref: str, outcome: int) -> None:
    await pool.execute("INSERT INTO explanation_audit (actor, role, address, requested, outcome) "
                       "VALUES ($1, $2, $3, $4, $5)", actor, role, address, ref[:40], outcome)


async def _recent(pool: asyncpg.Pool, who_role: str | None, actor: str, address: str) -> int:
    """Calls in the last minute by this admitted caller, or (not admitted) refused calls from this address."""
    if who_role is not None:
        return await pool.fetchval("SELECT count(*) FROM explanation_audit WHERE actor = $1 "
                                   "AND at > now() - interval '1 minute'", actor)
    return await pool.fetchval("SELECT count(*) FROM explanation_audit WHERE address = $1 AND role IS NULL "
                               "AND at > now() - interval '1 minute'", address)


def for_analysts(found: dict) -> dict:
    """The explanation without what would single a person out (see the module's docstring)."""
    number = {(r["upload_id"], r["row_number"]): n for n, r in enumerate(found["records"], start=1)}
    return {
        "individual_ref": found["individual_ref"], "requested_ref": found["requested_ref"],
        "removed": found["removed"], "merged_refs": found["merged_refs"],
        "records": [{"record": n, "service_code": r["service_code"], "identifier_types": r["identifier_types"]}
                    for n, r in enumerate(found["records"], start=1)],
        "joined_by": [{**{k: v for k, v in link.items() if k != "records"},
                       "records": [number.get((x["upload_id"], x["row_number"])) for x in link["records"]]}
                      for link in found["joined_by"]],
        "relationships": found["relationships"],
        "tolerant": found.get("tolerant"),
        "withheld": WITHHELD_FROM_ANALYSTS,
    }


@router.get("/api/v1/individuals/{ref}/explanation", responses={401: {}, 404: {}, 429: {}})
async def explain(request: Request, ref: str) -> dict:
    """Which records form this individual and which identifier TYPES joined them (never token values).
    Analysts and admins only (see above); every call audited."""
    pool, settings = request.app.state.pool_of(), request.app.state.settings
    who = await caller(request)
    address = request.client.host if request.client else "unknown"
    limited = await _recent(pool, who.role, who.actor, address)
    if limited >= settings.explanations_per_minute:
        await _audit(pool, who.actor, who.role, address, ref, 429)
        raise HTTPException(429, "too many explanations asked for in the last minute: wait a minute",
                            headers={"Retry-After": "60"})
    if who.role is None:
        await _audit(pool, who.actor, None, address, ref, 401)
        raise HTTPException(401, "sign in as an analyst or admin (/signin), or send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    found = None
    if _REF.fullmatch(ref):
        async with pool.acquire() as conn:
            found = await explanation.explain(conn, ref)
            if found is not None:  # tolerant linkage (issue 18): the fuzzy links' scores and patterns
                found["tolerant"] = await tolerant_store.explain(conn, individual_id(ref))
    await _audit(pool, who.actor, who.role, address, ref, 200 if found else 404)
    if found is None:
        raise HTTPException(404, "no such individual")
    return found if who.role == "admin" else for_analysts(found)
