"""Wire the matcher's services once, from settings and a pool; the app uses this, the tests build the same
objects with their own settings."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from leap_matcher.domain.junk import JunkRule
from leap_matcher.service.handlers import Matcher
from leap_matcher.settings import Settings


@dataclass
class Services:
    matcher: Matcher
    """The exact path's handlers (``matcher.handlers``): records-pseudonymised (read plain) and upload-withdrawn."""


def build(settings: Settings, pool: asyncpg.Pool) -> Services:
    return Services(matcher=Matcher(pool, settings.topic_prefix,
                                    JunkRule(settings.junk_max_birth_months, settings.junk_max_providers)))
