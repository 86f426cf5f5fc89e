"""What the matcher's HTTP edge adds to the app: the explanation for analysts and admins only, their
sign-in (``leap_matcher.api.access``), sessions the uploader ends ended here too, bad bytes refused and the
operations endpoints kept internal (``leap_contracts.http``)."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from fastapi import FastAPI

from leap_contracts.delivery.health import DeliveryMetrics
from leap_contracts.http import harden
from leap_contracts.sessions.revocation import consume_alongside

from leap_matcher.api import access, explain, tolerant_linkage
from leap_matcher.web import review_page
from leap_matcher.settings import Settings

ACCESS_GROUP = "leap-matcher-access"


def install(app: FastAPI, settings: Settings, *, pool: Callable[[], asyncpg.Pool | None],
            metrics: DeliveryMetrics) -> FastAPI:
    app.state.settings, app.state.pool_of = settings, pool
    app.include_router(explain.router)
    app.include_router(tolerant_linkage.router)
    app.include_router(review_page.router)
    app.include_router(access.router)
    consume_alongside(app, pool=pool, bootstrap=settings.kafka_bootstrap, topic_prefix=settings.topic_prefix,
                      group_id=ACCESS_GROUP, metrics=metrics, max_attempts=settings.max_attempts)
    return harden(app, internal_port=settings.internal_port, forwarded_allow_ips=settings.forwarded_allow_ips)
