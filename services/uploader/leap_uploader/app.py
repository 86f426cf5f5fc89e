"""create_app(settings): the uploader's process (upload API, validation and completion consumers, outbox relay)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from leap_contracts.delivery import logs
from leap_contracts.delivery.health import health_router
from leap_contracts.http import harden

from leap_uploader import bootstrap
from leap_uploader.api.routes import install_error_handlers, router
from leap_uploader.metrics import Metrics
from leap_uploader.settings import Settings
from leap_uploader.web import pages_admin, pages_auth, pages_outcome_access, pages_sso, pages_uploads
from leap_uploader.web.deps import Redirect

_STATIC = __import__("pathlib").Path(__file__).parent / "web" / "static"
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

def _security_headers_for(settings: Settings) -> dict[str, str]:
    """The sign-in form may end on the reporter (single sign-on): browsers check form-action on redirects too."""
    targets = [urlsplit(url) for url in (settings.reporter_url, settings.matcher_url) if url]
    if not targets:
        return _SECURITY_HEADERS
    origins = " ".join(f"{parts.scheme}://{parts.netloc}" for parts in targets)
    csp = _SECURITY_HEADERS["Content-Security-Policy"].replace("form-action 'self'", f"form-action 'self' {origins}")
    return {**_SECURITY_HEADERS, "Content-Security-Policy": csp}


def create_app(settings: Settings, *, messaging: bool = True) -> FastAPI:
    """``messaging=False`` runs the API and database only (no Kafka): for tests that call handlers directly.
    While it runs, ``app.state.services`` holds the wired parts (``bootstrap.Services``); routes and pages read
    them there."""
    logs.configure()
    metrics = Metrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with bootstrap.running(settings, metrics, with_messaging=messaging) as services:
            app.state.services = services
            try:
                yield
            finally:
                app.state.services = None

    app = FastAPI(title="LEAP uploader", version="0.1.0", lifespan=lifespan,
                  description="Providers upload files of the standard reach dataset and follow their validation.")
    app.state.services = None
    app.include_router(router)
    install_error_handlers(app)
    for pages in (pages_auth, pages_sso, pages_uploads, pages_admin, pages_outcome_access):
        app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")

    @app.exception_handler(Redirect)
    async def _redirect(request: Request, exc: Redirect) -> RedirectResponse:
        return RedirectResponse(exc.to, status_code=303)

    headers = _security_headers_for(settings)

    @app.middleware("http")
    async def _security_headers(request: Request, call_next):
        response = await call_next(request)
        docs = request.url.path.startswith(("/docs", "/redoc"))  # Swagger UI loads its own scripts
        for name, value in headers.items():
            if not (docs and name == "Content-Security-Policy"):
                response.headers.setdefault(name, value)
        if request.url.path != "/docs" and not request.url.path.startswith("/static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.include_router(health_router(metrics.registry, pool=lambda: getattr(app.state.services, "pool", None),
                                     messaging=(lambda: getattr(app.state.services, "messaging", None))
                                     if messaging else None))

    return harden(app, internal_port=settings.internal_port, forwarded_allow_ips=settings.forwarded_allow_ips)
