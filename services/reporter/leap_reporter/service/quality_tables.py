"""Data-quality tables: per upload (with drill-down), per service, per provider; late and missing uploads.

These count rows of provider files and uploads, not people; they still pass
through the same disclosure step as every other figure (an admin sees exact rows).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

import asyncpg

from leap_reporter.adapters import quality
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.tables import Table
from leap_reporter.domain.timeliness import is_late, missing_months


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else ""


async def uploads_table(pool: asyncpg.Pool, d: Disclosure, grace_days: int, upload_id: uuid.UUID | None = None) -> Table:
    rows = []
    for r in await quality.uploads(pool, upload_id):
        rows.append((str(r["upload_id"]), str(r["upload_id"])[:8], r["provider_id"], r["service_code"], r["outcome"],
                     r["validated_at"].strftime("%Y-%m-%d %H:%M") if r["validated_at"] else "",
                     f"{r['first_date'] or ''} to {r['last_date'] or ''}" if r["first_date"] else "",
                     d.count(r["rows_total"]), d.count(r["rows_accepted"]), d.count(r["rows_rejected"]),
                     share(r["rows_rejected"], r["rows_total"]), share(r["matched_existing"], r["records_matched"]),
                     d.count(r["junk_identifiers"]),
                     "late" if is_late(r["last_date"], r["validated_at"], grace_days) else ""))
    return Table("quality-uploads", "Data quality per upload",
                 ("key", "Upload", "Provider", "Service", "Outcome", "Validated", "Engagements", "Rows",
                  "Accepted", "Rejected", "Rejected %", "Matched to existing %", "Records on junk identifiers",
                  "Timeliness"), tuple(rows), suppressed=d.enabled)


async def problems_table(pool: asyncpg.Pool, d: Disclosure, upload_id: uuid.UUID | None = None) -> Table:
    rows = tuple((str(r["upload_id"]), str(r["upload_id"])[:8], r["provider_id"], r["service_code"], r["code"],
                  r["column_name"] or "", r["severity"], d.count(r["rows"]))
                 for r in await quality.problems(pool, upload_id))
    return Table("quality-problems", "Rows rejected or flagged, and why",
                 ("key", "Upload", "Provider", "Service", "Problem", "Column", "Severity", "Rows"), rows,
                 suppressed=d.enabled)


async def rollup_table(pool: asyncpg.Pool, d: Disclosure, by: str, grace_days: int, today: date) -> Table:
    """Per ``service`` or ``provider``: uploads, rows, rejected %, matched %, late uploads, missing months."""
    sums: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in await quality.uploads(pool):
        s = sums[r[f"{by}_id" if by == "provider" else "service_code"]]
        s["uploads"] += 1
        for c in ("rows_total", "rows_rejected", "records_matched", "matched_existing", "junk_identifiers"):
            s[c] += r[c]
        s["late"] += is_late(r["last_date"], r["validated_at"], grace_days)
    covered: dict[tuple[str, str], list[date]] = defaultdict(list)
    for r in await quality.months_covered(pool):
        covered[(r["provider_id"], r["service_code"])].append(r["month"])
    for (provider, service), months in covered.items():
        missing = missing_months(months, today)
        sums[provider if by == "provider" else service]["missing"] += len(missing)
    rows = tuple((k, k, s["uploads"], d.count(s["rows_total"]), d.count(s["rows_rejected"]),
                  share(s["rows_rejected"], s["rows_total"]), share(s["matched_existing"], s["records_matched"]),
                  d.count(s["junk_identifiers"]), s["late"], s["missing"]) for k, s in sorted(sums.items()))
    return Table(f"quality-by-{by}", f"Data quality per {by}",
                 ("key", by.title(), "Uploads", "Rows", "Rejected", "Rejected %", "Matched to existing %",
                  "Records on junk identifiers", "Late uploads", "Missing months"), rows, suppressed=d.enabled)


async def timeliness_table(pool: asyncpg.Pool, today: date) -> Table:
    covered: dict[tuple[str, str], list[date]] = defaultdict(list)
    for r in await quality.months_covered(pool):
        covered[(r["provider_id"], r["service_code"])].append(r["month"])
    rows = tuple((f"{p}/{s}", p, s, f"{min(m):%Y-%m}", f"{max(m):%Y-%m}",
                  ", ".join(f"{x:%Y-%m}" for x in missing_months(m, today)))
                 for (p, s), m in sorted(covered.items()))
    return Table("quality-missing-months", "Monthly uploads: months covered and months missing",
                 ("key", "Provider", "Service", "First month", "Last month", "Missing months"), rows, suppressed=False)
