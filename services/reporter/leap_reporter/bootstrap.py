"""What the reporter's HTTP edge adds to the app: bad bytes refused, operations endpoints kept internal,
the proxy's scheme honoured (``leap_contracts.http``), and sessions the uploader ends ended here too
(``leap_contracts.sessions.revocation``, consumer group ``<prefix>leap-reporter-access``)."""

from __future__ import annotations

from fastapi import FastAPI

from leap_contracts.http import harden
from leap_contracts.sessions.revocation import consume_alongside

from leap_reporter.settings import Settings

ACCESS_GROUP = "leap-reporter-access"


def install(app: FastAPI, settings: Settings) -> FastAPI:
    consume_alongside(app, pool=lambda: app.state.pool, bootstrap=settings.kafka_bootstrap,
                      topic_prefix=settings.topic_prefix, group_id=ACCESS_GROUP, metrics=app.state.metrics,
                      max_attempts=settings.max_attempts)
    return harden(app, internal_port=settings.internal_port, forwarded_allow_ips=settings.forwarded_allow_ips)
