"""What a reach question asks over HTTP, declared once: the filters (:class:`FilterQuery`, the ``Filters``
dependency), and which snapshot answers (``consistency``, ``as_at``: the ``PinnedView`` dependency). A bad value
raises :class:`InvalidFilters`, which the app answers 422 naming the parameter (:func:`invalid`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.datastructures import QueryParams

from leap_reporter.adapters.reach_index import View
from leap_reporter.api.deps import as_at_indexes, pool, reach_index
from leap_reporter.domain.as_at import parse_as_at
from leap_reporter.domain.filters import FilterProblem, InvalidFilters, ReachFilters, parse_filters
from leap_reporter.service.as_at_indexes import view_at


class FilterQuery(BaseModel):
    """The reach slicers as query parameters (field names are :func:`parse_filters`'s)."""

    service: list[str] | None = Field(None, description="Service code(s); repeat or comma-separate.")
    strand: str | None = Field(None, description="Strand name as in the catalogue.")
    ward: str | None = Field(None, description="Ward code or ward name, any case.")
    date_from: str | None = Field(None, alias="from", description="First engagement date, YYYY-MM-DD.")
    date_to: str | None = Field(None, alias="to", description="Last engagement date, YYYY-MM-DD.")
    beneficiary_type: str | None = Field(None, description="child or adult.")
    gender: str | None = Field(None, description="female, male, other or unknown.")
    ethnicity: str | None = Field(None, description="Ethnicity as recorded (ONS 2021 code).")
    age_band: str | None = Field(None, description="Age band at first contact, e.g. '1 year'.")

    def checked(self) -> ReachFilters:
        """Raises :class:`InvalidFilters`."""
        return parse_filters(**self.model_dump())


FILTER_PARAMS = tuple(field.alias or name for name, field in FilterQuery.model_fields.items())
"""The query parameters the filters are read from (the dashboard keeps them in its links)."""


def filters_of(query: QueryParams) -> ReachFilters:
    """The filters of a page's query string (as the ``Filters`` dependency reads an API request's)."""
    lists = {name for name, field in FilterQuery.model_fields.items() if field.annotation == list[str] | None}
    raw = {field.alias or name: (query.getlist(field.alias or name) or None) if name in lists
           else query.get(field.alias or name) for name, field in FilterQuery.model_fields.items()}
    return FilterQuery.model_validate(raw).checked()


async def checked_filters(query: Annotated[FilterQuery, Query()]) -> ReachFilters:
    return query.checked()


Filters = Annotated[ReachFilters, Depends(checked_filters)]


def invalid(exc: InvalidFilters) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": [
        {"loc": ["query", p.param], "msg": p.message, "type": "invalid_filter"} for p in exc.problems
    ]})


async def answer_invalid(request: Request, exc: Exception) -> JSONResponse:
    """The app's handler of :class:`InvalidFilters` raised by a dependency."""
    assert isinstance(exc, InvalidFilters)
    return invalid(exc)


CONSISTENCY = Query(description="'current': exact figures as of now when nothing is on its way (the index only when "
                                "it holds everything, else SQL; slower while new data is being indexed). While "
                                "uploads are being processed no figure is current: the answer comes from the last "
                                "snapshot, with up_to_date false. By default an answer may come from the last "
                                "snapshot while a newer one is built: see as_of and up_to_date.")


AS_AT = Query(description="A past moment: the figures from the data the platform held then (uploads later "
                         "replaced or withdrawn included, individuals later merged or split as they were then). "
                         "YYYY-MM-DD (the end of that day, UTC) or ISO 8601; suppressed as every figure.")


async def view_for(request: Request, consistency: str | None = None, as_at: str | None = None) -> View:
    """The one snapshot this request answers from. Raises InvalidFilters for a bad ``consistency`` or ``as_at``."""
    consistency = consistency or None
    if consistency not in (None, "current"):
        raise InvalidFilters([FilterProblem("consistency", f"'{consistency[:20]}' is not known: use 'current' "
                                                           "for exact current figures, or leave it out")])
    at = parse_as_at(as_at, datetime.now(UTC))
    if at is not None:
        return await view_at(pool(request), as_at_indexes(request), at)
    index = reach_index(request)
    if index is None:
        return View.sql()
    return await index.view(pool(request), current_only=consistency == "current")


async def pinned_view(request: Request, consistency: Annotated[str | None, CONSISTENCY] = None,
                      as_at: Annotated[str | None, AS_AT] = None) -> View:
    return await view_for(request, consistency, as_at)


PinnedView = Annotated[View, Depends(pinned_view)]
