"""What the admin page lists: providers, users, API tokens, mappings, the latest audit entries and sign-in alerts."""

from __future__ import annotations

import asyncpg

from leap_uploader.adapters import accounts_sql, audit, mappings, providers_sql, throttle_sql

AUDIT_SHOWN = 50


async def overview(pool: asyncpg.Pool) -> dict[str, list[asyncpg.Record]]:
    """Each list by its name on the page (``providers``, ``users``, ``tokens``, ``mappings``, ``audit``, ``alerts``)."""
    return {"providers": await providers_sql.list_all(pool), "users": await accounts_sql.list_users(pool),
            "tokens": await providers_sql.tokens(pool), "mappings": await mappings.list_all(pool),
            "audit": await audit.recent(pool, AUDIT_SHOWN), "alerts": await throttle_sql.recent_alerts(pool)}
