"""Connection pool and migrations for this service's own schema."""

from __future__ import annotations

from importlib import resources

import asyncpg

SCHEMA = "reporter"


# Reach queries hash every matching (service, individual) pair; at ~1M engagements
# the hash tables need more than the server's default work_mem to stay in memory.
WORK_MEM = "64MB"


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 5) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        url, min_size=min_size, max_size=max_size,
        server_settings={"search_path": SCHEMA, "application_name": "leap-reporter", "work_mem": WORK_MEM},
    )


async def migrate(pool: asyncpg.Pool) -> list[str]:
    """Apply the package's ``migrations/NNN_*.sql`` not yet applied, in order, each in one transaction."""
    scripts = sorted(
        (f.name, f.read_text()) for f in resources.files("leap_reporter.migrations").iterdir()
        if f.name.endswith(".sql")
    )
    applied: list[str] = []
    async with pool.acquire() as conn, conn.transaction():
        # One migrator at a time, even with several instances starting together.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"{SCHEMA}.migrations")
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        for name, sql in scripts:
            if name not in done:
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", name)
                applied.append(name)
    return applied
