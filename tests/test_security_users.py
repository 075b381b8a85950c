"""`renubu user create | disable | reset-password` and `renubu apikey list | revoke`, keys that expire."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cli.errors import CONFLICT, NOT_FOUND, OK, USAGE
from cli.main import main
from core.settings import get_settings
from db import users
from db.engine import Database
from db.migrate import upgrade
from db.models import ApiKey
from db.models.base import utcnow


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'renubu.db'}"
    asyncio.run(upgrade(url))
    monkeypatch.setenv("RENUBU_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def renubu(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def in_db(url: str, action: Any) -> Any:
    async def run() -> Any:
        db = Database(url)
        try:
            async with db.transaction() as session:
                return await action(session)
        finally:
            await db.dispose()

    return asyncio.run(run())


def login(url: str, email: str, password: str) -> bool:
    async def check(session: Any) -> bool:
        return await users.authenticate(session, email, password) is not None

    return bool(in_db(url, check))


def user_for(url: str, key: str) -> str | None:
    async def find(session: Any) -> str | None:
        user = await users.user_for_api_key(session, key)
        return user.email if user else None

    return in_db(url, find)  # type: ignore[no-any-return]


def test_create_reset_and_disable_a_user(database: str) -> None:
    code, out, _ = renubu("user", "create", "Kim@Example.com", "--name", "Kim", "--role", "csm")
    password = out.strip().splitlines()[-1]
    assert code == OK and "shown only this once" in out and len(password) >= 20
    assert login(database, "kim@example.com", password)
    assert renubu("user", "create", "kim@example.com", "--name", "K", "--role", "csm")[0] == CONFLICT
    assert renubu("user", "create", "x@example.com", "--name", "X", "--role", "admin")[0] == USAGE

    code, out, _ = renubu("user", "reset-password", "kim@example.com")
    fresh = out.strip().splitlines()[-1]
    assert code == OK and fresh != password
    assert not login(database, "kim@example.com", password) and login(database, "kim@example.com", fresh)

    code, out, _ = renubu("apikey", "create", "kim@example.com")
    key = out.strip().splitlines()[-1]
    assert user_for(database, key) == "kim@example.com"
    assert renubu("user", "disable", "kim@example.com")[0] == OK
    assert not login(database, "kim@example.com", fresh) and user_for(database, key) is None
    assert renubu("user", "disable", "nobody@example.com")[0] == NOT_FOUND

    async def version(session: Any) -> int:
        user = await users.by_email(session, "kim@example.com")
        assert user is not None
        return user.session_version

    assert in_db(database, version) == 2  # reset and disable each ended the sessions


def test_keys_expire_and_can_be_listed_and_revoked(database: str) -> None:
    renubu("user", "create", "lee@example.com", "--name", "Lee", "--role", "manager")
    code, out, _ = renubu("apikey", "create", "lee@example.com", "--name", "nightly", "--expires-days", "7")
    key = out.strip().splitlines()[-1]
    assert code == OK and "valid 7 days" in out and user_for(database, key) == "lee@example.com"
    assert renubu("apikey", "create", "lee@example.com", "--expires-days", "0")[0] == USAGE

    code, out, _ = renubu("apikey", "list")
    [row] = [line for line in out.splitlines() if "nightly" in line]
    key_id = row.split()[0]
    expiry = (utcnow() + timedelta(days=7)).strftime("%Y-%m-%d")
    assert code == OK and key[:12] in row and "lee@example.com" in row and expiry in row and row.endswith("active")

    assert renubu("apikey", "revoke", key_id)[0] == OK
    assert user_for(database, key) is None
    assert renubu("apikey", "list", "--email", "lee@example.com")[1].splitlines()[1].endswith("revoked")
    assert renubu("apikey", "revoke", "99999")[0] == NOT_FOUND

    code, out, _ = renubu("apikey", "create", "lee@example.com", "--name", "old")
    old = out.strip().splitlines()[-1]

    async def expire(session: Any) -> None:
        for api_key in await session.scalars(select(ApiKey)):
            api_key.expires_at = utcnow() - timedelta(seconds=1)

    in_db(database, expire)
    assert user_for(database, old) is None
    assert "expired" in renubu("apikey", "list")[1]
