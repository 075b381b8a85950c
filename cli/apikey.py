"""`renubu apikey create EMAIL | list | revoke ID`: API keys for existing users, written straight into
the app database (a key is printed once; only its digest is stored; it expires, 90 days by default)."""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime
from typing import Any

from cli.errors import NOT_FOUND, CliError
from core.settings import get_settings
from db import users
from db.engine import Database
from db.models.base import utcnow


def register(commands: Any) -> None:
    group = commands.add_parser("apikey", help="API keys for scripts and this CLI")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a key for an existing user and print it once")
    create.add_argument("email")
    create.add_argument("--name", default="renubu-cli", help="a label to recognise the key by (default: renubu-cli)")
    create.add_argument(
        "--expires-days",
        type=_days,
        default=users.API_KEY_TTL_DAYS,
        metavar="DAYS",
        help=f"1 to 3650 (default: {users.API_KEY_TTL_DAYS})",
    )
    create.set_defaults(handler=create_command)
    listing = actions.add_parser("list", help="every key: id, user, name, created, last used, expiry, state")
    listing.add_argument("--email", help="only this user's keys")
    listing.set_defaults(handler=list_command)
    revoke = actions.add_parser("revoke", help="a key stops working at once")
    revoke.add_argument("id", type=int, help="the key's id, from `renubu apikey list`")
    revoke.set_defaults(handler=revoke_command)


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise argparse.ArgumentTypeError("a number of days from 1 to 3650")
    return int(text)


async def create_key(
    database_url: str, email: str, name: str, ttl_days: int = users.API_KEY_TTL_DAYS
) -> tuple[str, str]:
    """Returns (key, the user's role)."""
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            user = await users.by_email(session, email)
            if user is None or not user.active:
                raise CliError(NOT_FOUND, f"no active user {email!r}")
            return await users.create_api_key(session, user, name, ttl_days), user.role
    finally:
        await db.dispose()


def create_command(args: argparse.Namespace) -> None:
    url = get_settings().resolved_database_url
    key, role = asyncio.run(create_key(url, args.email, args.name, args.expires_days))
    print(f"API key {args.name!r} for {args.email} ({role}), valid {args.expires_days} days. Shown only this once:")
    print(key)


async def _list(email: str | None) -> list[tuple[Any, str]]:
    db = Database(get_settings().resolved_database_url)
    try:
        async with db.session() as session:
            return await users.api_keys(session, email)
    finally:
        await db.dispose()


def _day(at: datetime | None, empty: str) -> str:
    return at.strftime("%Y-%m-%d") if at else empty


def list_command(args: argparse.Namespace) -> None:
    now = utcnow()
    print(f"{'ID':>5}  {'PREFIX':<12}  {'USER':<32}  {'NAME':<20}  CREATED     LAST USED   EXPIRES     STATE")
    for key, email in asyncio.run(_list(args.email)):
        state = "revoked" if key.revoked else "expired" if key.expires_at and key.expires_at <= now else "active"
        print(
            f"{key.id:>5}  {key.prefix:<12}  {email[:32]:<32}  {key.name[:20]:<20}  {_day(key.created_at, '-'):<10}"
            f"  {_day(key.last_used_at, 'never'):<10}  {_day(key.expires_at, 'never'):<10}  {state}"
        )


async def _revoke(key_id: int) -> bool:
    db = Database(get_settings().resolved_database_url)
    try:
        async with db.transaction() as session:
            return await users.revoke_api_key(session, key_id) is not None
    finally:
        await db.dispose()


def revoke_command(args: argparse.Namespace) -> None:
    if not asyncio.run(_revoke(args.id)):
        raise CliError(NOT_FOUND, f"no API key {args.id}")
    print(f"Revoked API key {args.id}.")
