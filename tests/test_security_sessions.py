"""Sessions end: a cookie carries the user's session version and its login time, so logout-everywhere
revokes every copy, and no re-signing stretches a session past 12 hours. A forged `{"uid": 1}` (what the
public default secret allowed) is not a session."""

from __future__ import annotations

import json
import re
import time
from base64 import b64encode
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from itsdangerous import TimestampSigner

from api.app import create_app
from api.auth import SESSION_LIFETIME_S
from core.settings import Settings
from db import users
from db.engine import Database
from db.migrate import upgrade
from tests.stack import make_settings

PASSWORD = "a-long-test-password"


@pytest.fixture(scope="module")
async def app(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    data = tmp_path_factory.mktemp("sessions")
    url = f"sqlite+aiosqlite:///{data / 'renubu.db'}"
    await upgrade(url)
    db = Database(url)
    async with db.transaction() as session:
        for name in ("ana", "bo", "cy"):
            await users.ensure_user(session, email=f"{name}@example.com", name=name, role="manager", password=PASSWORD)
    yield create_app(make_settings(data_dir=data, database={"url": url}), db=db)
    await db.dispose()


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://renubu.test")


async def _logged_in(app: Any, email: str) -> httpx.AsyncClient:
    http = _client(app)
    page = await http.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token
    done = await http.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)})
    assert done.status_code == 303
    page = await http.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token
    http.headers["X-CSRF-Token"] = token.group(1)
    return http


def _forged(settings: Settings, payload: dict[str, Any]) -> str:
    """A session cookie as Starlette's SessionMiddleware signs it, with whatever payload we like."""
    data = b64encode(json.dumps(payload).encode())
    return TimestampSigner(settings.api.session_secret.get_secret_value()).sign(data).decode()


async def _user_id(app: Any, email: str) -> int:
    async with app.state.db.session() as session:
        user = await users.by_email(session, email)
        assert user is not None
        return user.id


async def test_logout_everywhere_ends_every_copy_of_the_session(app: Any) -> None:
    laptop, phone, other = [await _logged_in(app, e) for e in ("ana@example.com", "ana@example.com", "bo@example.com")]
    stolen = _client(app)
    stolen.cookies.update(laptop.cookies)
    try:
        assert (await phone.get("/api/control")).status_code == 200
        assert (await stolen.get("/api/control")).status_code == 200
        assert (await laptop.post("/logout/everywhere")).status_code == 303
        for client in (laptop, phone, stolen):
            assert (await client.get("/api/control")).status_code == 401
        assert (await other.get("/api/control")).status_code == 200  # other users keep their sessions
        again = await _logged_in(app, "ana@example.com")  # and ana can log in again
        assert (await again.get("/api/control")).status_code == 200
        await again.aclose()
    finally:
        for client in (laptop, phone, other, stolen):
            await client.aclose()


async def test_a_forged_uid_is_not_a_session(app: Any) -> None:
    uid = await _user_id(app, "bo@example.com")
    async with _client(app) as http:
        http.cookies.set("renubu_session", _forged(app.state.settings, {"uid": uid}))
        assert (await http.get("/api/control")).status_code == 401


async def test_sessions_end_twelve_hours_after_login(app: Any) -> None:
    uid = await _user_id(app, "bo@example.com")
    now = int(time.time())
    async with _client(app) as http:
        http.cookies.set("renubu_session", _forged(app.state.settings, {"uid": uid, "sv": 0, "iat": now - 60}))
        assert (await http.get("/api/control")).status_code == 200  # the same shape, recent: accepted
        old = {"uid": uid, "sv": 0, "iat": now - SESSION_LIFETIME_S - 1}
        http.cookies.set("renubu_session", _forged(app.state.settings, old))
        assert (await http.get("/api/control")).status_code == 401


async def test_the_log_out_everywhere_button_ends_the_other_sessions(app: Any) -> None:
    desk, phone = await _logged_in(app, "cy@example.com"), await _logged_in(app, "cy@example.com")
    try:
        page = await desk.get("/approvals")
        assert page.status_code == 200
        form = re.search(
            r'<form method="post" action="/logout/everywhere"[^>]*>\s*<input type="hidden" name="csrf_token" '
            r'value="([^"]+)">\s*<button[^>]*>Log out everywhere</button>',
            page.text,
        )
        assert form, "the account menu has a Log out everywhere button"
        del desk.headers["X-CSRF-Token"]  # as the browser submits it: the form's own token
        done = await desk.post("/logout/everywhere", data={"csrf_token": form.group(1)})
        assert done.status_code == 303 and done.headers["location"] == "/login"
        assert (await phone.get("/api/control")).status_code == 401  # the other device is logged out
        assert (await desk.get("/api/control")).status_code == 401
    finally:
        await desk.aclose()
        await phone.aclose()
