"""Ops command: load the ONS Postcode Directory into the ward lookup."""

import argparse
import asyncio
from pathlib import Path

from leap_pseudonymiser.adapters import database, wards
from leap_pseudonymiser.settings import Settings


async def _load(onspd: Path, names: Path | None) -> int:
    settings = Settings()
    pool = await database.create_pool(settings.database_url.get_secret_value())
    try:
        await database.migrate(pool)
        async with pool.acquire() as conn:
            return await wards.load(conn, wards.read_onspd(onspd, names))
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Load postcode-to-ward lookup (ONSPD CSV layout).")
    parser.add_argument("onspd", type=Path)
    parser.add_argument("--names", type=Path, help="ONS ward names and codes CSV (WDxxCD, WDxxNM)")
    args = parser.parse_args()
    print(f"postcodes loaded: {asyncio.run(_load(args.onspd, args.names))}")


if __name__ == "__main__":
    main()
