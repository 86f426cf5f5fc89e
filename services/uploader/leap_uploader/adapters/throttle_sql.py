"""SQL of sign-in throttling: failures by account, address and known device; known devices; alerts."""

from __future__ import annotations

import hashlib

import asyncpg

from leap_uploader.domain.throttle import Bucket

Conn = asyncpg.Connection | asyncpg.Pool


def device_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def known_device(conn: Conn, token: str | None, user_id: int) -> str | None:
    """The device's hash when ``token`` is a device cookie of this user, else None."""
    if not token or len(token) > 200:
        return None
    hashed = device_hash(token)
    found = await conn.fetchval("UPDATE known_devices SET last_used_at = now() WHERE token_hash = $1 "
                                "AND user_id = $2 RETURNING true", hashed, user_id)
    return hashed if found else None


async def remember_device(conn: Conn, token: str, user_id: int) -> None:
    await conn.execute("INSERT INTO known_devices (token_hash, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                       device_hash(token), user_id)


async def forget_devices(conn: Conn, user_id: int) -> None:
    await conn.execute("DELETE FROM known_devices WHERE user_id = $1", user_id)


async def _bucket(conn: Conn, where: str, value: str, free: int, window: int) -> Bucket:
    row = await conn.fetchrow(
        f"""SELECT count(*) AS n, extract(epoch FROM now() - max(failed_at)) AS since FROM sign_in_failures
             WHERE {where} AND failed_at > now() - make_interval(secs => $2)""", value, window)
    return Bucket(row["n"], float(row["since"] or 0), free)


async def buckets(conn: Conn, *, account: str, address: str, device: str | None, free: int, address_free: int,
                  window: int) -> list[Bucket]:
    await conn.execute("DELETE FROM sign_in_failures WHERE failed_at < now() - make_interval(secs => $1)", window)
    if device is not None:
        return [await _bucket(conn, "device_hash = $1", device, free, window)]
    return [await _bucket(conn, "account = $1 AND device_hash IS NULL", account, free, window),
            await _bucket(conn, "address = $1 AND device_hash IS NULL", address, address_free, window)]


async def add_failure(conn: Conn, *, account: str, address: str, device: str | None) -> None:
    await conn.execute("INSERT INTO sign_in_failures (address, account, device_hash) VALUES ($1, $2, $3)",
                       address, account, device)


async def failures_of_account(conn: Conn, account: str, window: int) -> int:
    return await conn.fetchval("SELECT count(*) FROM sign_in_failures WHERE account = $1 "
                               "AND failed_at > now() - make_interval(secs => $2)", account, window)


async def clear(conn: Conn, *, account: str, address: str | None = None, device: str | None = None) -> None:
    """After a full sign-in: this browser's failures (its address's for the account, its device's) are forgotten;
    without address and device (an admin's unlock): every failure of the account."""
    if address is None and device is None:
        await conn.execute("DELETE FROM sign_in_failures WHERE account = $1", account)
        return
    await conn.execute("DELETE FROM sign_in_failures WHERE account = $1 AND (address = $2 OR device_hash = $3)",
                       account, address, device)


async def alerted_recently(conn: Conn, target: str, window: int) -> bool:
    return bool(await conn.fetchval("SELECT true FROM audit_log WHERE action = 'sign_in.alert' AND target = $1 "
                                    "AND at > now() - make_interval(secs => $2) LIMIT 1", target, window))


async def recent_alerts(conn: Conn, hours: int = 24) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT at, target, detail FROM audit_log WHERE action = 'sign_in.alert' "
                            "AND at > now() - make_interval(hours => $1) ORDER BY id DESC LIMIT 50", hours)
