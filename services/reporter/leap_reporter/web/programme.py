"""The programme page: reach over time, engagement depth, outcomes side by side for engaged and not engaged
children, and the Theory of Change (configured as data by admins) with each indicator's trend."""

from __future__ import annotations

from dataclasses import dataclass

import hmac

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from leap_contracts.catalogue import SERVICES
from leap_contracts.outcomes.catalogue import MEASURES

from leap_reporter.adapters import theory_of_change_table
from leap_reporter.api import auth, deps
from leap_reporter.domain.outcome_figures import GROUPS, NOT_ENGAGED
from leap_reporter.domain.tables import Table
from leap_reporter.domain.theory_of_change import TheoryOfChange
from leap_reporter.web import pages
from leap_reporter.web.svg import bar_chart

router = APIRouter(include_in_schema=False)
NAMES = ["reach-by-quarter", "services-per-individual", "outcomes-by-services-engaged", "outcomes-coverage",
         "outcomes-by-year"]


@dataclass(frozen=True)
class Cell:
    rate: float | None
    numerator: object
    denominator: object

    def __str__(self) -> str:
        if self.rate is None:
            return f"– ({self.numerator}/{self.denominator})" if self.denominator not in (0, None) else "–"
        return f"{self.rate:.1f}% ({self.numerator}/{self.denominator})"


def side_by_side(table: Table) -> list[tuple[str, str, dict[str, Cell]]]:
    """(measure, its name, group -> cell) from outcomes-by-services-engaged."""
    by: dict[str, dict[str, Cell]] = {}
    for measure, _key, group, num, den, rate, *_ in table.rows:
        by.setdefault(measure, {})[group] = Cell(rate, num, den)
    return [(m, MEASURES[m].name, cells) for m, cells in by.items() if m in MEASURES]


def toc_view(document, table: Table) -> list[dict]:
    """Each programme outcome with its services, indicator and the indicator's rate per year, engaged vs not."""
    trend: dict[str, dict[str, dict[str, float | None]]] = {}
    for measure, year, group, _num, _den, rate, *_ in table.rows:
        trend.setdefault(measure, {}).setdefault(year, {})[group] = rate
    out = []
    for outcome in document.outcomes:
        years = trend.get(outcome.indicator, {})
        measure = MEASURES[outcome.indicator]
        out.append({"name": outcome.name, "services": [f"{c} {SERVICES[c].name}" for c in outcome.services],
                    "indicator": measure.name, "better": "higher" if measure.higher_is_better else "lower",
                    "years": [(y, g.get("engaged"), g.get(NOT_ENGAGED)) for y, g in sorted(years.items())]})
    return out


def reach_chart(table: Table) -> Markup:
    rows = [r for r in table.rows if r[0] != "total"]
    return Markup(bar_chart([str(r[0]) for r in rows], [r[2] for r in rows], title="Reach over time"))


@router.get("/programme")
async def programme_page(request: Request, toc_error: str | None = None) -> Response:
    document, saved = await theory_of_change_table.latest(deps.pool(request))
    return await pages._render(request, "programme.html", NAMES, groups=GROUPS, side_by_side=side_by_side,
                               toc=document, toc_saved=saved, toc_view=toc_view, reach_chart=reach_chart,
                               toc_json=document.model_dump_json(indent=2), toc_error=toc_error)


@router.post("/programme/theory-of-change")
async def save_theory_of_change(request: Request, csrf_token: str = Form("", max_length=64),
                                document: str = Form("", max_length=65536)) -> Response:
    """An admin signed in to the dashboard replaces the Theory of Change (the form on the programme page)."""
    who = await auth.caller(request)
    if who.session is None or who.role != "admin" or not hmac.compare_digest(csrf_token, who.session.csrf_token):
        raise HTTPException(status_code=403, detail="only an admin signed in to the dashboard can change the Theory "
                                                    "of Change (reload the page if the form has expired)")
    try:
        parsed = TheoryOfChange.model_validate_json(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "document"
        return await programme_page(request, toc_error=f"{where}: {first['msg']}")
    await theory_of_change_table.save(deps.pool(request), parsed, who.session.username)
    return RedirectResponse("/programme#theory-of-change", status_code=303)
