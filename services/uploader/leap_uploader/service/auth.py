"""Who is calling: an API token resolves to a provider and the services it may upload for."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from leap_uploader.adapters import providers_sql
from leap_uploader.domain.tokens import hash_token, looks_like_token


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    services: frozenset[str]
    actor: str = "api"
    """Who acts, for the audit log: ``token:<id>`` or ``user:<username>``."""
    outcome_sources: frozenset[str] = frozenset()
    """The outcome sources an admin has allowed it to send outcome extracts of (docs/outcomes-dataset.md)."""


async def authenticate(pool: asyncpg.Pool, token: str) -> Provider | None:
    """The provider holding this active token; None for a malformed, unknown or revoked one."""
    if not looks_like_token(token):
        return None
    row = await providers_sql.by_token_hash(pool, hash_token(token))
    if row is None:
        return None
    return Provider(row["id"], row["name"], frozenset(row["services"]), f"token:{row['token_id']}",
                    frozenset(row["outcome_sources"]))


async def provider_for(pool: asyncpg.Pool, provider_id: str | None) -> Provider | None:
    """The provider a signed-in provider user belongs to, with its services."""
    if provider_id is None:
        return None
    row = await providers_sql.by_id(pool, provider_id)
    if row is None:
        return None
    return Provider(row["id"], row["name"], frozenset(row["services"]), outcome_sources=frozenset(row["outcome_sources"]))
