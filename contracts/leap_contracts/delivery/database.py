"""A service's connection pool and the migrations of its own schema."""

from __future__ import annotations

from importlib import resources

import asyncpg

from leap_contracts.delivery.startup import until_reachable


async def create_pool(url: str, *, schema: str, min_size: int = 1, max_size: int = 5,
                      settings: dict[str, str] | None = None) -> asyncpg.Pool:
    """A pool whose connections see only ``schema`` (search_path) and name the service in pg_stat_activity;
    waits (with back-off) while the database cannot be reached, as a service starting during an outage must."""
    return await until_reachable("database", lambda: asyncpg.create_pool(
        url, min_size=min_size, max_size=max_size,
        server_settings={"search_path": schema, "application_name": f"leap-{schema}", **(settings or {})},
    ))


async def migrate(pool: asyncpg.Pool, *, schema: str, package: str) -> list[str]:
    """Apply the delivery tables, then ``package``'s ``NNN_*.sql`` files not yet applied, in order,
    in one transaction.

    Several instances starting together queue on an advisory lock; each script
    runs once and is recorded in ``schema_migrations``. A database lost meanwhile rolls the transaction back;
    it is tried again once the database answers.
    """
    return await until_reachable("database migrations", lambda: _migrate(pool, schema=schema, package=package))


async def _migrate(pool: asyncpg.Pool, *, schema: str, package: str) -> list[str]:
    delivery = resources.files("leap_contracts.delivery")
    scripts = [(f"000_delivery_{name}", delivery.joinpath(name).read_text())
               for name in ("messaging.sql", "outbox_compression.sql", "dead_letter_once.sql")] + sorted(
        (f.name, f.read_text()) for f in resources.files(package).iterdir() if f.name.endswith(".sql")
    )
    applied: list[str] = []
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"{schema}.migrations")
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        for name, sql in scripts:
            if name not in done:
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", name)
                applied.append(name)
    return applied
