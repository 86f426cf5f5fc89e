"""Ops command: providers and their API tokens.

  python -m leap_uploader.admin create-provider --id P --name NAME --service CODE [--service CODE ...]
  python -m leap_uploader.admin revoke-token (--id N | --token leap_... | --provider P)
  python -m leap_uploader.admin list-providers
  python -m leap_uploader.admin allow-outcomes --provider P --source HV   (and disallow-outcomes: who may send
      outcome extracts of a source, docs/outcomes-dataset.md)
  python -m leap_uploader.admin create-user --username NAME --role admin [--provider P]   (password from
      UPLOADER_NEW_USER_PASSWORD or asked for; the person enrols their authenticator app at first sign-in)

Reads UPLOADER_DATABASE_URL from the environment and applies migrations first.
create-provider prints exactly one line on stdout, ``token: leap_...`` (shown
once, never stored in clear), so scripts can capture it; notes go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from leap_contracts.delivery import logs

from leap_uploader.adapters import database
from leap_uploader.service import outcome_access, providers, users
from leap_uploader.settings import DatabaseSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m leap_uploader.admin", description="Providers and API tokens.")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-provider", help="create or update a provider and issue a new API token")
    create.add_argument("--id", required=True, dest="provider_id")
    create.add_argument("--name", required=True)
    create.add_argument("--service", action="append", required=True, dest="services", help="service code; repeatable")
    revoke = commands.add_parser("revoke-token", help="revoke API tokens")
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", type=int, dest="token_id", help="token id (printed when it was created)")
    which.add_argument("--token", help="the token itself")
    which.add_argument("--provider", dest="provider_id", help="every active token of this provider")
    commands.add_parser("list-providers", help="providers, their services and active token ids")
    for name, what in (("allow-outcomes", "allow a provider to send outcome extracts of a source"),
                       ("disallow-outcomes", "stop a provider sending outcome extracts of a source")):
        outcomes = commands.add_parser(name, help=what)
        outcomes.add_argument("--provider", required=True, dest="provider_id")
        outcomes.add_argument("--source", required=True, help="outcome source code, e.g. HV")
    user = commands.add_parser("create-user", help="create a user who signs in to the pages (e.g. the first admin)")
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True, choices=users.ROLES)
    user.add_argument("--provider", dest="provider_id", help="the provider of a provider user")
    return parser


async def _run(args: argparse.Namespace) -> int:
    settings = DatabaseSettings()
    pool = await database.create_pool(settings.database_url.get_secret_value())
    try:
        await database.migrate(pool)
        if args.command == "create-provider":
            issued = await providers.create_provider(pool, args.provider_id, args.name, args.services)
            print(f"token: {issued.token}")
            print(f"provider {args.provider_id}: token id {issued.token_id} issued; it is shown only once",
                  file=sys.stderr)
        elif args.command == "revoke-token":
            count = await providers.revoke_tokens(pool, token_id=args.token_id, token=args.token,
                                                  provider_id=args.provider_id)
            print(f"revoked: {count}")
        elif args.command in ("allow-outcomes", "disallow-outcomes"):
            change = outcome_access.allow if args.command == "allow-outcomes" else outcome_access.disallow
            changed = await change(pool, "cli", args.provider_id, args.source)
            print(f"{args.command} {args.provider_id} {args.source.upper()}: {'done' if changed else 'no change'}",
                  file=sys.stderr)
        elif args.command == "create-user":
            password = os.environ.get("UPLOADER_NEW_USER_PASSWORD") or getpass.getpass("password (12+ characters): ")
            user_id = await users.create_user(pool, "cli", args.username, args.role, args.provider_id, password)
            print(f"user {args.username} created (id {user_id}); they set up their authenticator app at first sign-in",
                  file=sys.stderr)
        else:
            for row in await providers.list_providers(pool):
                tokens = ",".join(map(str, row["active_token_ids"])) or "-"
                sources = f"\toutcome_sources={','.join(row['outcome_sources'])}" if row["outcome_sources"] else ""
                print(f"{row['id']}\t{row['name']}\tservices={','.join(row['services'])}\tactive_tokens={tokens}"
                      + sources)
        return 0
    except (providers.InvalidCommand, users.InvalidUser) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        await pool.close()


def main(argv: list[str] | None = None) -> int:
    logs.configure(stream=sys.stderr)
    return asyncio.run(_run(_parser().parse_args(argv)))

