"""What :mod:`leap_reporter.bootstrap` wired into the app (settings, pool, indexes, metrics), as functions of the
request and ``Annotated`` dependency aliases (the FastAPI template's style): routes and pages read the app's parts
through these only (who is asking and how figures are disclosed: :mod:`leap_reporter.api.access`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import asyncpg
from fastapi import Depends, Request

from leap_reporter.settings import Settings

if TYPE_CHECKING:  # the app's parts, imported for their types only (no cycle through the service layer)
    from leap_reporter.adapters.reach_index import ReachIndex
    from leap_reporter.bootstrap import Metrics
    from leap_reporter.service.as_at_indexes import AsAtIndexes


def settings(request: Request) -> Settings:
    return request.app.state.settings


def pool(request: Request) -> asyncpg.Pool:
    return request.app.state.pool


def reach_index(request: Request) -> ReachIndex | None:
    return getattr(request.app.state, "reach_index", None)


def as_at_indexes(request: Request) -> AsAtIndexes:
    return request.app.state.as_at_indexes


def metrics(request: Request) -> Metrics:
    return request.app.state.metrics


async def _settings(request: Request) -> Settings:  # async: FastAPI runs a plain function in a thread
    return settings(request)


async def _pool(request: Request) -> asyncpg.Pool:
    return pool(request)


SettingsDep = Annotated[Settings, Depends(_settings)]
PoolDep = Annotated[asyncpg.Pool, Depends(_pool)]
