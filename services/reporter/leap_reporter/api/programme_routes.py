"""/api/v1/theory-of-change: the Theory of Change document (read by anyone signed in, replaced by admins)."""

from __future__ import annotations


from fastapi import APIRouter, HTTPException, Request
from pydantic import ValidationError

from leap_reporter.adapters import theory_of_change_table
from leap_reporter.api import deps
from leap_reporter.api.access import RoleDep
from leap_reporter.domain.theory_of_change import TheoryOfChange

router = APIRouter(prefix="/api/v1", tags=["programme"])


@router.get("/theory-of-change")
async def get_theory_of_change(request: Request, role: RoleDep) -> dict:
    document, saved = await theory_of_change_table.latest(deps.pool(request))
    return {**document.model_dump(), "saved_by": saved["saved_by"] if saved else None,
            "saved_at": saved["saved_at"].isoformat() if saved else None}


@router.put("/theory-of-change")
async def put_theory_of_change(request: Request, role: RoleDep) -> dict:
    """Replace the document (admins only): ``{"outcomes": [{"name", "services": [codes], "indicator": measure}]}``."""
    if role != "admin":
        raise HTTPException(status_code=403, detail="only an admin can change the Theory of Change")
    try:
        document = TheoryOfChange.model_validate_json(await request.body())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "document"
        raise HTTPException(status_code=422, detail=f"{where}: {first['msg']}") from None
    await theory_of_change_table.save(deps.pool(request), document, role)
    return {"saved": True, "outcomes": len(document.outcomes)}
