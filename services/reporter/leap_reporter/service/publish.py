"""Publish a return (issue 17): its figures from ONE view of the read model, checked against the watermark,
disclosed, written to CSV and XLSX once, and stored with its manifest in one row that never changes."""

from __future__ import annotations

import importlib.metadata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256

import asyncpg

from leap_reporter.adapters import consumer_state, publication_files, publications, read_model_state
from leap_reporter.adapters.reach_index import ReachIndex
from leap_reporter.domain import publication
from leap_reporter.domain.as_at import at_version
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.publication import NotUpToDate, ReturnRequest, Watermark
from leap_reporter.domain.tables import Table
from leap_reporter.service.as_at_indexes import AsAtIndexes
from leap_reporter.service.figures import Ask, figure

PACKAGE = "leap-reporter"


@dataclass(frozen=True)
class Publisher:
    """Who publishes: the signed-in person's username (or "analyst token" / "admin token") and role."""

    name: str
    role: str


def code_version(deployed: str | None) -> dict:
    """The package's version, and the deployed commit or tag when the deployment says it."""
    return {"package": PACKAGE, "version": importlib.metadata.version(PACKAGE), "commit": deployed}


async def publish(pool: asyncpg.Pool, index: ReachIndex, request: ReturnRequest, disclosure: Disclosure,
                  publisher: Publisher, deployed_code: str | None = None, as_at: AsAtIndexes | None = None) -> dict:
    """Store the return and answer its manifest. Raises :class:`NotUpToDate` while the figures are not up to
    date (unless the request accepts an "as of" label), or when the read model changed under an SQL answer."""
    view = await index.view(pool, current_only=True)
    label = publication.as_of_label(view.up_to_date, view.waiting.uploads, view.waiting.events, view.as_of,
                                    request.accept_as_of)
    version = view.index.version if view.index is not None else await read_model_state.version(pool)
    parts = publication.parts(request)
    tables = [await figure(pool, part.figure, Ask(part.filters, disclosure, view=view)) for part in parts]
    if view.index is None and await read_model_state.version(pool) != version and not request.accept_as_of:
        raise NotUpToDate("new data arrived while the return was being made, so its figures may mix two moments: "
                          "publish again")
    lag = index.lag
    watermark = Watermark(version, await consumer_state.group_id(pool), "sql" if view.index is None else "index",
                          view.as_of, view.up_to_date, view.waiting.uploads, view.waiting.events,
                          tuple(await publications.uploads_counted_at(pool, version)),
                          await publications.events_applied(pool), lag.applied if lag else None,
                          lag.checked_at if lag else None)
    publication_id, published_at = uuid.uuid4(), datetime.now(UTC)
    titled = [(part, table.title) for part, table in zip(parts, tables, strict=True)]

    def record(files: dict) -> dict:
        return publication.manifest(publication_id=publication_id, request=request, published_at=published_at,
                                    published_by=publisher.name, role=publisher.role, watermark=watermark,
                                    label=label, code=code_version(deployed_code), disclosure=disclosure,
                                    tables=titled, files=files)

    heading = record({})  # the files carry the heading block only; the manifest then records their digests
    csv, xlsx = publication_files.to_csv(heading, tables), publication_files.to_xlsx(heading, tables)
    manifest = record({"csv": _digest(csv), "xlsx": _digest(xlsx)})
    await publications.insert(pool, publications.Stored(
        publication_id, request.name, request.period_from, request.period_to, published_at, publisher.name,
        manifest, [_stored(t) for t in tables], csv, xlsx))
    if as_at is not None and view.index is not None:  # its revision report starts from this very index
        as_at.remember(at_version(version), view.index)
    return manifest


def _digest(body: bytes) -> dict:
    return {"sha256": sha256(body).hexdigest(), "bytes": len(body)}


def _stored(table: Table) -> dict:
    """A table as published (disclosed cells only), without the per-request freshness fields."""
    found = table.as_json()
    for key in ("as_of", "up_to_date", "not_yet_counted"):
        found.pop(key, None)
    return found
