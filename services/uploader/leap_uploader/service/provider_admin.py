"""What admins do in the pages to providers: their services and API tokens. All audited."""

from __future__ import annotations

import asyncpg

from leap_uploader.adapters import audit, providers_sql
from leap_uploader.domain.tokens import hash_token, new_token
from leap_uploader.service.providers import InvalidCommand, create_provider


async def add_provider(pool: asyncpg.Pool, actor: str, provider_id: str, name: str, services: list[str]) -> None:
    """Create (or rename) a provider with services; no token is issued here (see ``issue_token``)."""
    issued = await create_provider(pool, provider_id, name, services)
    async with pool.acquire() as conn:
        await providers_sql.revoke_tokens(conn, token_id=issued.token_id)
        await audit.record(conn, actor, "provider.saved", target=f"provider:{provider_id}", services=services)


async def remove_service(pool: asyncpg.Pool, actor: str, provider_id: str, code: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await providers_sql.remove_service(conn, provider_id, code)
        await audit.record(conn, actor, "provider.service_removed", target=f"provider:{provider_id}", service=code)


async def issue_token(pool: asyncpg.Pool, actor: str, provider_id: str) -> tuple[int, str]:
    """A new API token for the provider: (id, token). The token is shown once and stored only hashed."""
    token = new_token()
    async with pool.acquire() as conn, conn.transaction():
        if await providers_sql.by_id(conn, provider_id) is None:
            raise InvalidCommand("no such provider")
        token_id = await providers_sql.add_token(conn, provider_id, hash_token(token))
        await audit.record(conn, actor, "token.issued", target=f"token:{token_id}", provider_id=provider_id)
    return token_id, token


async def revoke_token(pool: asyncpg.Pool, actor: str, token_id: int) -> int:
    async with pool.acquire() as conn, conn.transaction():
        count = await providers_sql.revoke_tokens(conn, token_id=token_id)
        await audit.record(conn, actor, "token.revoked", target=f"token:{token_id}", revoked=count)
    return count


__all__ = ["InvalidCommand"]
