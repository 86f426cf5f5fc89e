"""Linkage quality the analysts see (issue 18): figures about linkage, never about a person.

Every count passes small-number suppression (counts from 1 to ``threshold - 1`` are withheld, as the
reporter's primary suppression does), and a rate is withheld with its numerator.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Suppression:
    threshold: int = 7

    def count(self, n: int) -> int | None:
        return None if 0 < n < self.threshold else n

    def rate(self, part: int, whole: int) -> float | None:
        if whole == 0 or self.count(part) is None or self.count(whole) is None:
            return None
        return round(part / whole, 4)


def reach_comparison(exact: int, tolerant: int, pending_reviews: int, suppression: Suppression) -> dict[str, object]:
    """The two unique-beneficiary counts side by side, the difference, and the estimated over-count of
    exact linkage: from what tolerant linkage joined to what it would join if every pending review were
    accepted (each accepted review joins at most two individuals into one). Ratios of suppressed counts
    are withheld with them."""
    low = max(tolerant - pending_reviews, 0)
    difference = exact - tolerant
    shown = suppression.count(exact) is not None and suppression.count(tolerant) is not None
    return {
        "exact": suppression.count(exact),
        "tolerant": suppression.count(tolerant),
        "difference": None if suppression.count(abs(difference)) is None else difference,
        "exact_over_count": _over(exact, tolerant) if shown else None,
        "exact_over_count_if_reviews_accepted": _over(exact, low) if shown else None,
        "pending_reviews": suppression.count(pending_reviews),
    }


def _over(exact: int, persons: int) -> float | None:
    return round((exact - persons) / persons, 4) if persons else None
