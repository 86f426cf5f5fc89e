"""Linkage-quality tables on the data-quality page (``domain.linkage_quality``): the reporter's own exact and
tolerant counts (its read model) beside the matcher's last measured figures (LinkageQualityMeasuredV1)."""

from __future__ import annotations

import asyncpg

from leap_reporter.adapters import tolerant_linkage
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.domain.linkage_policy import in_force
from leap_reporter.domain.linkage_quality import by_provider_rows, by_upload_rows, summary_rows
from leap_reporter.domain.tables import Table
from leap_reporter.service.linkage import count_under

_RATES = ("Records", "Linked only through a fuzzy link", "Fuzzy-linked %", "In an individual tolerant linkage "
          "splits", "Split %")
_NOTE = "Counts of records, never a person; small numbers suppressed, shares from the shown counts."


async def summary_table(pool: asyncpg.Pool, d: Disclosure, running: bool) -> Table:
    """Both counts from SQL (up to date, as every quality table)."""
    everyone = ReachFilters()
    exact = (await count_under(pool, everyone, None, "exact"))[0]
    tolerant = (await count_under(pool, everyone, None, "tolerant"))[0] if running else None
    published = in_force((await tolerant_linkage.published(pool))["published"], running)
    rows = summary_rows(published, exact, tolerant, await tolerant_linkage.quality(pool) if running else None, d)
    return Table("quality-linkage", "Linkage quality", ("key", "Measure", "Value"), tuple(rows),
                 note="Tolerant linkage joins records that exact tokens miss (typos, swapped dates, changed contacts); "
                      "the difference estimates exact linkage's over-count. " + _NOTE, suppressed=d.enabled)


async def by_provider_table(pool: asyncpg.Pool, d: Disclosure, running: bool) -> Table:
    measured = await tolerant_linkage.quality(pool) if running else None
    return Table("quality-linkage-by-provider", "Merge and split rates per provider", ("key", "Provider", *_RATES),
                 tuple(by_provider_rows(measured, d)), note=_NOTE, suppressed=d.enabled)


async def by_upload_table(pool: asyncpg.Pool, d: Disclosure, running: bool) -> Table:
    measured = await tolerant_linkage.quality(pool) if running else None
    return Table("quality-linkage-by-upload", "Merge and split rates per upload",
                 ("key", "Upload", "Provider", *_RATES), tuple(by_upload_rows(measured, d)), note=_NOTE,
                 suppressed=d.enabled)
