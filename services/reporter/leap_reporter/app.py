"""create_app(settings): the reporter's process (reporting API, dashboard, health), wired by
:mod:`leap_reporter.bootstrap`; nothing connects before the lifespan starts."""

from __future__ import annotations

from fastapi import FastAPI

from leap_contracts.delivery import logs

from leap_reporter import bootstrap
from leap_reporter.api import figure_routes, linkage_routes, programme_routes, publication_routes, reach_routes
from leap_reporter.api.reach_query import answer_invalid
from leap_reporter.domain.filters import InvalidFilters
from leap_reporter.settings import Settings
from leap_reporter.web import linkage_form, pages, programme, publications_page

ROUTERS = (reach_routes.router, figure_routes.router, pages.router, programme_routes.router, programme.router,
           publication_routes.router, publications_page.router, linkage_routes.router, linkage_form.router)


def create_app(settings: Settings) -> FastAPI:
    logs.configure()
    app = FastAPI(title="LEAP reporter", version="0.1.0", lifespan=bootstrap.lifespan(settings))
    app.add_exception_handler(InvalidFilters, answer_invalid)
    for router in ROUTERS:
        app.include_router(router)
    bootstrap.wire(app, settings)
    return bootstrap.edge(app, settings)
