"""A published return recomputed as at its publication, and its revision report against now (issue 17)."""

from __future__ import annotations

import uuid
from datetime import date

import asyncpg

from leap_reporter.adapters import history, publications, read_model_state, revision_sources
from leap_reporter.domain import revisions
from leap_reporter.domain.as_at import REVISION_STAGES, Moment, at_version, revision_moments
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.publication import SLICERS, ReturnRequest, parts
from leap_reporter.service.as_at_indexes import AsAtIndexes, view_of
from leap_reporter.service.figures import Ask, figure


class NoSuchReturn(LookupError):
    pass


class HistoryTooShort(Exception):
    """The read model's history does not reach back to the publication (it restarts with a rebuild)."""


def request_of(manifest: dict) -> ReturnRequest:
    names = [f["name"] for f in manifest["figures"]]
    slicers = tuple(s for s in SLICERS if f"reach-by-{s}" in names)
    period = manifest["period"]
    return ReturnRequest(manifest["name"], date.fromisoformat(period["from"]), date.fromisoformat(period["to"]),
                         slicers)


def disclosure_of(manifest: dict) -> Disclosure:
    rules = manifest["suppression"]
    return Disclosure(rules["enabled"], rules["threshold"], rules["rounding_base"])


async def _published(pool: asyncpg.Pool, publication_id: uuid.UUID) -> tuple[dict, list[dict], int]:
    found = await publications.manifest_and_figures(pool, publication_id)
    if found is None:
        raise NoSuchReturn(f"no published return {publication_id}; see /api/v1/publications")
    manifest, figures = found
    version = manifest["watermark"]["read_model_version"]
    if not await history.held_at(pool, version):
        raise HistoryTooShort(f"the read model's history begins after this return was published (version "
                              f"{version}; it begins at {await history.history_began(pool)}, after a rebuild or "
                              "before history was kept): its figures can be downloaded as published, not "
                              "recomputed")
    return manifest, figures, version


async def _return_at(pool: asyncpg.Pool, indexes: AsAtIndexes, manifest: dict, moment: Moment) -> list[dict]:
    view = await view_of(pool, indexes, moment)
    disclosure = disclosure_of(manifest)
    return [(await figure(pool, part.figure, Ask(part.filters, disclosure, view=view))).as_json()
            for part in parts(request_of(manifest))]


async def as_published(pool: asyncpg.Pool, indexes: AsAtIndexes, publication_id: uuid.UUID) -> dict:
    """The return's figures recomputed from the read model's history as at its watermark, beside whether each
    equals the figure as published."""
    manifest, figures, version = await _published(pool, publication_id)
    again = await _return_at(pool, indexes, manifest, at_version(version))
    stored = {t["name"]: t for t in figures}
    at = await history.time_of(pool, version)
    return {"publication_id": str(publication_id), "read_model_version": version,
            "as_at": at.isoformat() if at else None, "figures": again,
            "reproduced": {t["name"]: revisions.cells(t) == revisions.cells(stored[t["name"]]) for t in again}}


async def revision_report(pool: asyncpg.Pool, indexes: AsAtIndexes, publication_id: uuid.UUID) -> dict:
    """Per figure and cell: published, current, and the difference split into uploads added late, uploads
    withdrawn or replaced, and merges and splits; with the uploads named and the individuals counted."""
    manifest, figures, version = await _published(pool, publication_id)
    now = await read_model_state.version(pool)
    disclosure = disclosure_of(manifest)
    steps = {name: {t["name"]: t for t in await _return_at(pool, indexes, manifest, moment)}
             for name, moment in revision_moments(version, now).items()}
    explained: dict[tuple, dict] = {}
    report = []
    for published in figures:
        rows, reproduced = revisions.revision_cells(
            published, {name: steps[name][published["name"]] for name in REVISION_STAGES})
        scope = next(f["filters"] for f in manifest["figures"] if f["name"] == published["name"])
        key = (scope["from"], scope["to"])
        if key not in explained:
            explained[key] = await _uploads(pool, version, now, key)
        report.append({"name": published["name"], "title": published["title"], "filters": scope,
                       "reproduced": reproduced, "changed": revisions.changed(rows), "cells": rows,
                       "uploads": explained[key]})
    identities = await revision_sources.identities_changed(pool, version, now)
    return {"publication_id": str(publication_id), "name": manifest["name"], "period": manifest["period"],
            "published_at": manifest["published_at"], "published_version": version, "current_version": now,
            "suppression": manifest["suppression"], "steps": list(revisions.STEPS),
            "individuals": {k: disclosure.count(n) for k, n in identities.items()},
            "figures": report}


async def _uploads(pool: asyncpg.Pool, since: int, until: int, period: tuple[str | None, str]) -> dict:
    start = date.fromisoformat(period[0]) if period[0] else None
    end = date.fromisoformat(period[1])
    return {"added_late": await revision_sources.uploads_added(pool, since, until, start, end),
            "withdrawn_or_replaced": await revision_sources.uploads_ended(pool, since, until, start, end)}
