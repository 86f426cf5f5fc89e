"""How long a sign-in must wait after failures: growing delays instead of a lockout (OWASP ASVS 2.2.1).

A hard lockout lets anyone who knows a username lock its owner out. Instead, failures are counted per
account (from browsers that never signed in to it), per client address, and per known device (a browser
that completed a sign-in to that account before, proven by its device cookie). Past ``free`` failures
in a bucket, the next attempt must wait ``2 ** (failures - free)`` seconds after the last one, at most
``cap``. A known device is judged by its own failures only, so an attacker hammering an account or a
shared address never keeps its owner out of their usual browser; while an attempt must wait, the
password is not even checked (waiting cannot be skipped by guessing right).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bucket:
    failures: int
    seconds_since_last: float
    free: int


def delay(failures: int, free: int, cap: int) -> int:
    """Seconds an attempt must wait after the last failure, with ``failures`` failures counted."""
    if failures < free:
        return 0
    return min(cap, 1 << min(failures - free, 30))


def wait_seconds(buckets: list[Bucket], cap: int) -> int:
    """Seconds still to wait before the next attempt (0: go ahead): the longest any bucket asks."""
    waits = [delay(b.failures, b.free, cap) - b.seconds_since_last for b in buckets]
    return max(0, int(-(-max(waits, default=0) // 1)))  # ceiling
