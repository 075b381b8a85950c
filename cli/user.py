"""`renubu user create | disable | reset-password`: people who log in, written straight into the app
database. Passwords are generated and printed once; disabling or resetting ends every session."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from cli.errors import CONFLICT, NOT_FOUND, CliError
from core.settings import get_settings
from db import users
from db.engine import Database
from db.models.auth import ROLES


def register(commands: Any) -> None:
    group = commands.add_parser("user", help="people who log in to the dashboard")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a user and print their generated password once")
    create.add_argument("email")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--experience", choices=["junior", "mid", "senior", "principal"], help="CSMs only")
    create.set_defaults(handler=lambda a: _run(_create(a)))
    disable = actions.add_parser("disable", help="stop a user logging in; their sessions and API keys end")
    disable.add_argument("email")
    disable.set_defaults(handler=lambda a: _run(_disable(a)))
    reset = actions.add_parser("reset-password", help="a new generated password (printed once); sessions end")
    reset.add_argument("email")
    reset.set_defaults(handler=lambda a: _run(_reset(a)))


def _run(job: Any) -> None:
    asyncio.run(job)


async def _in_db(action: Any) -> Any:
    db = Database(get_settings().resolved_database_url)
    try:
        async with db.transaction() as session:
            return await action(session)
    finally:
        await db.dispose()


async def _user(session: Any, email: str) -> users.User:
    user = await users.by_email(session, email)
    if user is None:
        raise CliError(NOT_FOUND, f"no user {email!r}")
    return user


async def _create(args: argparse.Namespace) -> None:
    async def create(session: Any) -> str:
        try:
            _, password = await users.create_user(
                session, email=args.email, name=args.name, role=args.role, experience=args.experience
            )
        except ValueError as exc:
            raise CliError(CONFLICT, str(exc)) from exc
        return password

    password = await _in_db(create)
    print(f"Created {args.email} ({args.role}). Their password is shown only this once:")
    print(password)


async def _disable(args: argparse.Namespace) -> None:
    async def disable(session: Any) -> None:
        await users.disable(session, await _user(session, args.email))

    await _in_db(disable)
    print(f"Disabled {args.email}: their sessions and API keys no longer work.")


async def _reset(args: argparse.Namespace) -> None:
    async def reset(session: Any) -> str:
        return await users.reset_password(session, await _user(session, args.email))

    password = await _in_db(reset)
    print(f"New password for {args.email} (their sessions have ended). It is shown only this once:")
    print(password)
