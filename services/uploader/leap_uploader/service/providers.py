"""Ops commands on providers and their API tokens (``python -m leap_uploader.admin``, leap_uploader.cli)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from leap_contracts.catalogue import SERVICES

from leap_uploader.adapters import providers_sql
from leap_uploader.domain.tokens import hash_token, new_token

_PROVIDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class InvalidCommand(ValueError):
    pass


@dataclass(frozen=True)
class NewToken:
    token: str
    token_id: int


async def create_provider(pool: asyncpg.Pool, provider_id: str, name: str, services: Sequence[str]) -> NewToken:
    """Create the provider (or update its name), add the services, issue a new token. Safe to repeat:
    services are only ever added, and each run issues one more token."""
    if not _PROVIDER_ID.match(provider_id):
        raise InvalidCommand("provider id must be 1-64 letters, digits, '.', '_' or '-'")
    if not name.strip():
        raise InvalidCommand("provider name must not be empty")
    codes = [c.strip().upper() for c in services]
    unknown = sorted(set(codes) - SERVICES.keys())
    if unknown:
        raise InvalidCommand(f"unknown service code(s): {', '.join(unknown)}; known: {', '.join(sorted(SERVICES))}")
    if not codes:
        raise InvalidCommand("give at least one --service")
    token = new_token()
    async with pool.acquire() as conn, conn.transaction():
        await providers_sql.upsert(conn, provider_id, name.strip())
        await providers_sql.add_services(conn, provider_id, codes)
        token_id = await providers_sql.add_token(conn, provider_id, hash_token(token))
    return NewToken(token, token_id)


async def revoke_tokens(pool: asyncpg.Pool, *, token_id: int | None = None, token: str | None = None,
                        provider_id: str | None = None) -> int:
    if token_id is None and token is None and provider_id is None:
        raise InvalidCommand("say which token(s): --id, --token or --provider")
    async with pool.acquire() as conn:
        return await providers_sql.revoke_tokens(conn, token_id=token_id, provider_id=provider_id,
                                             token_hash=hash_token(token) if token is not None else None)


async def list_providers(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    async with pool.acquire() as conn:
        return await providers_sql.list_all(conn)
