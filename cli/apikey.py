"""`renubu apikey create EMAIL`: an API key for an existing user, written straight
into the app database (the key is printed once; only its digest is stored)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from cli.errors import NOT_FOUND, CliError
from core.settings import get_settings
from db import users
from db.engine import Database


def register(commands: Any) -> None:
    group = commands.add_parser("apikey", help="API keys for scripts and this CLI")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a key for an existing user and print it once")
    create.add_argument("email")
    create.add_argument("--name", default="renubu-cli", help="a label to recognise the key by (default: renubu-cli)")
    create.set_defaults(handler=create_command)


async def create_key(database_url: str, email: str, name: str) -> tuple[str, str]:
    """Returns (key, the user's role)."""
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            user = await users.by_email(session, email)
            if user is None or not user.active:
                raise CliError(NOT_FOUND, f"no active user {email!r}")
            return await users.create_api_key(session, user, name), user.role
    finally:
        await db.dispose()


def create_command(args: argparse.Namespace) -> None:
    key, role = asyncio.run(create_key(get_settings().resolved_database_url, args.email, args.name))
    print(f"API key {args.name!r} for {args.email} ({role}). It is shown only this once:")
    print(key)
