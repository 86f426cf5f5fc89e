"""Which linkage published reach uses, and the other count beside it (issue 18): rules only, no I/O.

An admin chooses ``exact`` (records sharing an identifier token are one person) or ``tolerant`` (typo-tolerant
linkage's individuals); tolerant can be chosen only while tolerant linkage runs. Every figure passes the
disclosure step; a difference is disclosed as a count of its own (its size suppressed and rounded, its sign kept).
"""

from __future__ import annotations

from leap_reporter.domain.disclosure import SUPPRESSED, Disclosure, Published

LINKAGES = ("exact", "tolerant")
NOT_RUNNING = ("tolerant linkage is not running (MATCHER_TOLERANT_LINKING and REPORTER_TOLERANT_LINKING are "
               "off): published reach can only use exact linkage")


class PolicyRefused(ValueError):
    """The asked policy cannot be set; the message says why."""


def check_choice(asked: str, tolerant_running: bool) -> None:
    if asked not in LINKAGES:
        raise PolicyRefused(f"'{asked[:20]}' is not a linkage: choose 'exact' or 'tolerant'")
    if asked == "tolerant" and not tolerant_running:
        raise PolicyRefused(NOT_RUNNING)


def in_force(chosen: str, tolerant_running: bool) -> str:
    """The linkage reach is published under: the chosen one, exact while tolerant linkage is not running."""
    return chosen if tolerant_running else "exact"


def signed(n: int, disclosure: Disclosure) -> Published:
    shown = disclosure.count(abs(n))
    return shown if isinstance(shown, str) or n >= 0 else -shown


def over_count(exact: int, tolerant: int, disclosure: Disclosure) -> float | None:
    """Exact linkage's estimated over-count (negative: under-count) relative to tolerant linkage, withheld
    when either count or their difference is suppressed."""
    if tolerant == 0 or SUPPRESSED in (disclosure.count(exact), disclosure.count(tolerant),
                                       disclosure.count(abs(exact - tolerant))):
        return None
    return round((exact - tolerant) / tolerant, 4)


AS_AT_NOTE = "figures as at a past moment use exact linkage: tolerant linkage keeps no history"


def comparison(published: str, exact: int | None, tolerant: int | None, disclosure: Disclosure,
               tolerant_running: bool, note: str = NOT_RUNNING) -> dict[str, object]:
    """The published linkage, both counts and the difference (exact minus tolerant); with tolerant linkage not
    running (or figures as at a past moment) only the exact count and a note."""
    if not tolerant_running or exact is None or tolerant is None:
        return {"published": "exact", "tolerant_running": False, "exact": None if exact is None else
                disclosure.count(exact), "tolerant": None, "difference": None, "exact_over_count": None,
                "note": note}
    return {"published": published, "tolerant_running": True, "exact": disclosure.count(exact),
            "tolerant": disclosure.count(tolerant), "difference": signed(exact - tolerant, disclosure),
            "exact_over_count": over_count(exact, tolerant, disclosure), "note": None}
