"""``SessionsEndedV1``: the uploader ended a person's sessions (or everyone's); every service ends its own.

The event belongs with the others in ``leap_contracts.events``; it lives here (its own area, access) and
is read with its own receiver, so that services consuming it need nothing else of the event registry.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any, ClassVar, Literal

import asyncpg
import structlog
from fastapi import FastAPI
from pydantic import Field

from leap_contracts import topics
from leap_contracts.delivery.health import DeliveryMetrics
from leap_contracts.delivery.runtime import messaging
from leap_contracts.envelope import Envelope, decode
from leap_contracts.events.base import Event
from leap_contracts.sessions import store

log = structlog.get_logger()
Reason = Literal["disabled", "role_changed", "password_changed", "second_factor_reset", "all_ended_by_admin"]


class SessionsEndedV1(Event):
    """Every session of one person (``user_id``), or of everyone (``user_id`` null), must end now."""

    TOPIC: ClassVar[topics.Topic] = topics.SESSIONS_ENDED

    user_id: str | None = Field(description="The uploader's user id; null: every person's sessions.")
    reason: Reason
    ended_at: datetime


def receive(raw: bytes) -> Envelope:
    """Wire bytes -> envelope with the payload as :class:`SessionsEndedV1` (ValueError when it is not one)."""
    envelope = decode(raw)
    if envelope.event_type != SessionsEndedV1.__name__:
        raise ValueError(f"unexpected event type {envelope.event_type} on {topics.SESSIONS_ENDED.name}")
    return envelope.model_copy(update={"payload": SessionsEndedV1.model_validate(envelope.payload)})


def handler(pool: asyncpg.Pool) -> Callable[[Envelope], Awaitable[None]]:
    """The consumer of ``access.sessions-ended.v1`` for a service with an ``inbox`` and a ``people_session``."""

    async def on_sessions_ended(envelope: Envelope) -> None:
        payload = envelope.payload
        event = payload if isinstance(payload, SessionsEndedV1) else SessionsEndedV1.model_validate(payload)
        async with pool.acquire() as conn, conn.transaction():
            status = await conn.execute("INSERT INTO inbox (event_id, topic) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                        envelope.event_id, topics.SESSIONS_ENDED.name)
            if status != "INSERT 0 1":
                return
            ended = (await store.end_all(conn) if event.user_id is None
                     else await store.end_for_user(conn, event.user_id))
        log.info("sessions.ended", reason=event.reason, everyone=event.user_id is None, sessions=ended)

    return on_sessions_ended


def consume_alongside(app: FastAPI, *, pool: Callable[[], asyncpg.Pool | None], bootstrap: str, topic_prefix: str,
                      group_id: str, metrics: DeliveryMetrics, max_attempts: int = 5) -> None:
    """Consume ``access.sessions-ended.v1`` while ``app`` runs, in a consumer group of its own
    (``group_id``), once the app's own lifespan has opened its pool (``pool()``)."""
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(running_app: FastAPI) -> AsyncIterator[Any]:
        async with inner(running_app) as state:
            live = pool()
            if live is None:  # the app runs without its database (a test of the API alone)
                yield state
                return
            async with messaging(bootstrap=bootstrap, topic_prefix=topic_prefix, group_id=group_id, pool=live,
                                 subscriptions=((topics.SESSIONS_ENDED, handler(live)),), metrics=metrics,
                                 max_attempts=max_attempts, relay=False,
                                 receivers={topics.SESSIONS_ENDED.name: receive}):
                yield state

    app.router.lifespan_context = lifespan
