"""Linkage quality on the data-quality page (issue 18): rows of three tables, about linkage, never a person.

Every count passes the disclosure step; a share is computed from the disclosed counts (so it says nothing the
rounded counts do not) and withheld with them. Per upload and per provider: records, records linked to others
only through a fuzzy link (their tolerant individual joins two or more exact individuals), records whose exact
individual tolerant linkage splits.
"""

from __future__ import annotations

from collections import defaultdict

from leap_contracts.events import LinkageQualityMeasuredV1

from leap_reporter.domain.disclosure import SUPPRESSED, Disclosure, Published
from leap_reporter.domain.linkage_policy import NOT_RUNNING, over_count, signed


def share(part: Published, whole: Published) -> str:
    if SUPPRESSED in (part, whole) or not whole:
        return SUPPRESSED if SUPPRESSED in (part, whole) else ""
    return f"{100 * part / whole:.1f}%"  # type: ignore[operator]


def _percent(value: float | None) -> str:
    return SUPPRESSED if value is None else f"{100 * value:+.1f}%"


def summary_rows(published: str, exact: int, tolerant: int | None, measured: LinkageQualityMeasuredV1 | None,
                 d: Disclosure) -> list[tuple[object, ...]]:
    """(key, measure, value) rows: both counts, the difference, the estimated over-count (and if every pending
    review were accepted), the findings, and the share of records linked only through a fuzzy link."""
    if tolerant is None:
        return [("not_running", "Tolerant linkage", NOT_RUNNING), ("exact", "Unique beneficiaries, exact linkage",
                                                                    d.count(exact))]
    rows = [("published", "Published reach uses", f"{published} linkage"),
            ("exact", "Unique beneficiaries, exact linkage", d.count(exact)),
            ("tolerant", "Unique beneficiaries, tolerant linkage", d.count(tolerant)),
            ("difference", "Difference (exact minus tolerant)", signed(exact - tolerant, d)),
            ("over_count", "Exact linkage's estimated over-count (negative: under-count)",
             _percent(over_count(exact, tolerant, d)))]
    if measured is None:
        return [*rows, ("measured_at", "Linkage quality measured", "not yet")]
    fewest = max(tolerant - measured.pending_reviews, 0)
    records = sum(u.records for u in measured.uploads)
    fuzzy = sum(u.fuzzy_linked for u in measured.uploads)
    return [*rows,
            ("pending_reviews", "Pairs waiting for review", d.count(measured.pending_reviews)),
            ("over_count_if_accepted", "Estimated over-count if every pending review were accepted",
             _percent(over_count(exact, fewest, d))),
            ("two_nhs", "Individuals holding two valid NHS numbers", d.count(measured.individuals_with_two_nhs_numbers)),
            ("birth_months", "Identifiers shared by records of incompatible birth months",
             d.count(measured.identifiers_across_birth_months)),
            ("fuzzy_share", "Records linked only through a fuzzy link", share(d.count(fuzzy), d.count(records))),
            ("measured_at", "Linkage quality measured", f"{measured.measured_at:%Y-%m-%d %H:%M} UTC")]


def _rates(key: str, label: str, counts: dict[str, int], d: Disclosure, *extra: str) -> tuple[object, ...]:
    records, fuzzy, split = (d.count(counts[c]) for c in ("records", "fuzzy_linked", "split"))
    return (key, label, *extra, records, fuzzy, share(fuzzy, records), split, share(split, records))


def by_upload_rows(measured: LinkageQualityMeasuredV1 | None, d: Disclosure) -> list[tuple[object, ...]]:
    if measured is None:
        return []
    return [_rates(str(u.upload_id), str(u.upload_id)[:8], u.model_dump(), d, u.provider_id or "")
            for u in sorted(measured.uploads, key=lambda u: (u.provider_id or "", str(u.upload_id)))]


def by_provider_rows(measured: LinkageQualityMeasuredV1 | None, d: Disclosure) -> list[tuple[object, ...]]:
    if measured is None:
        return []
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for u in measured.uploads:
        for c in ("records", "fuzzy_linked", "split"):
            sums[u.provider_id or "unknown"][c] += getattr(u, c)
    return [_rates(p, p, s, d) for p, s in sorted(sums.items())]
