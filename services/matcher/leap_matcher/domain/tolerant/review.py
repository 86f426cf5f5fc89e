"""The review queue's rules: who may answer a grey-band link, and what an answer does.

A review item is a pair of records (each standing for its individual) with the score and agreement
pattern that put it in the grey band. Only a reviewer role may answer; an item is answered once
(pending -> accepted or rejected); every attempt, refused or not, is audited by the caller. The item
shows tokens' agreement only (never a token, never a clear identifier: the matcher holds none).
"""

from __future__ import annotations

from dataclasses import dataclass

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"


class ReviewRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ReviewPolicy:
    reviewer_roles: frozenset[str] = frozenset({"admin"})
    max_reason: int = 500


def decide(state: str, role: str | None, accept: bool, reason: str, policy: ReviewPolicy) -> str:
    """The item's new state, or ReviewRefused (not_allowed, already_decided, reason_missing)."""
    if role not in policy.reviewer_roles:
        raise ReviewRefused("not_allowed", "only a reviewer may answer a review item")
    if state != PENDING:
        raise ReviewRefused("already_decided", f"the item was already {state}")
    if not reason.strip() or len(reason) > policy.max_reason:
        raise ReviewRefused("reason_missing", f"give a reason of 1 to {policy.max_reason} characters")
    return ACCEPTED if accept else REJECTED
