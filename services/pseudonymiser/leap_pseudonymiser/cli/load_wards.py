"""Ops command: load the ONS Postcode Directory into the ward lookup.

``python -m leap_pseudonymiser.cli.load_wards ONSPD.csv [--names WARD_NAMES.csv]``: the ONSPD file needs columns
``pcds`` and ``osward``; the optional names file (ONS 'Ward names and codes') gives ``WDxxCD``/``WDxxNM`` columns
(``leap_pseudonymiser.adapters.onspd_file``).
"""

import argparse
import asyncio
from pathlib import Path

from leap_pseudonymiser.adapters import database, ward_lookup
from leap_pseudonymiser.adapters.onspd_file import read_onspd
from leap_pseudonymiser.settings import Settings


async def _load(onspd: Path, names: Path | None) -> int:
    settings = Settings()
    pool = await database.create_pool(settings.database_url.get_secret_value())
    try:
        await database.migrate(pool)
        async with pool.acquire() as conn:
            return await ward_lookup.load(conn, read_onspd(onspd, names))
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
