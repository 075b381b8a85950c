"""Limits: request bodies capped (413), login throttled (429 + Retry-After), security headers, htmx without
eval, the CSV formula guard, integers bounded and booleans refused where numbers belong (422, not 500)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.throttle import BASE_LOCKOUT_S, FORGET_AFTER_S, LoginThrottle
from contracts.journeys import LeadSnapshot
from core.settings import Settings
from db import users
from db.engine import Database
from db.migrate import upgrade
from db.models import LoginFailure
from journeys.facts import render
from rules.spreadsheet import safe_cell
from tests.stack import make_settings

PASSWORD = "a-long-test-password"
TEMPLATES = Path("web/templates")


@dataclass
class App:
    app: object
    manager_key: str
    db: Database
    settings: Settings

    def client(self, address: str = "10.0.0.1") -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=(address, 40000))  # type: ignore[arg-type]
        return httpx.AsyncClient(transport=transport, base_url="http://renubu.test")


@pytest.fixture(scope="module")
async def api(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    """The API in this process on its own SQLite database (no Temporal: nothing here reaches it)."""
    data = tmp_path_factory.mktemp("limits")
    url = f"sqlite+aiosqlite:///{data / 'renubu.db'}"
    await upgrade(url)
    db = Database(url)
    async with db.transaction() as session:
        manager = await users.ensure_user(
            session, email="boss@example.com", name="B", role="manager", password=PASSWORD
        )
        for n in range(10):
            await users.ensure_user(session, email=f"u{n}@example.com", name="U", role="csm", password=PASSWORD)
        key = await users.create_api_key(session, manager, "limits")
    settings = make_settings(
        data_dir=data, database={"url": url}, api={"webhook_max_body_bytes": 4096, "max_body_bytes": 16384}
    )
    yield App(create_app(settings, db=db), key, db, settings)
    await db.dispose()


# --- request bodies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/webhooks/active/customer-update", "/webhooks/clubos/messages", "/webhooks/lead", "/webhook/lead"]
)
async def test_webhook_bodies_over_the_limit_get_413(api: App, path: str) -> None:
    async def chunked() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
        for _ in range(8):
            yield b"x" * 1024

    async with api.client() as http:
        declared = await http.post(
            path, content=b"{" + b" " * 5000 + b"}", headers={"content-type": "application/json"}
        )
        streamed = await http.post(path, content=chunked(), headers={"content-type": "application/json"})
    assert declared.status_code == 413 and streamed.status_code == 413


async def test_other_bodies_have_the_app_wide_limit(api: App) -> None:
    async with api.client() as http:
        small = await http.post("/webhooks/events", content=b"{}", headers={"content-type": "application/json"})
        big = await http.post(
            "/api/control/kill-switch",
            content=b'{"on": true, "reason": "' + b"x" * 20000 + b'"}',
            headers={"X-API-Key": api.manager_key, "content-type": "application/json"},
        )
    assert small.status_code == 401  # within the limit: on to the signature check
    assert big.status_code == 413


def test_the_webhook_limit_defaults_to_64_kb() -> None:
    assert make_settings().api.webhook_max_body_bytes == 64 * 1024


# --- login throttling -------------------------------------------------------------------------------


async def _login(http: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    page = await http.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token
    return await http.post("/login", data={"email": email, "password": password, "csrf_token": token.group(1)})


async def test_login_is_throttled_per_account(api: App, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="renubu.auth"):
        for n in range(5):  # from five addresses: only the account is counted five times
            async with api.client(f"10.1.0.{n}") as http:
                assert (await _login(http, "u0@example.com", "wrong")).status_code == 401
    assert sum("failed login for 'u0@example.com'" in r.getMessage() for r in caplog.records) == 5
    async with api.client("10.1.1.1") as http:
        locked = await _login(http, "u0@example.com", PASSWORD)  # even the right password waits
        other = await _login(http, "u1@example.com", PASSWORD)
    assert locked.status_code == 429 and 0 < int(locked.headers["retry-after"]) <= BASE_LOCKOUT_S
    assert "Too many failed logins" in locked.text
    assert other.status_code == 303


async def test_login_is_throttled_per_address(api: App) -> None:
    async with api.client("10.2.0.1") as http:
        for n in range(2, 7):
            assert (await _login(http, f"u{n}@example.com", "wrong")).status_code == 401
        assert (await _login(http, "u7@example.com", PASSWORD)).status_code == 429
    async with api.client("10.2.0.2") as http:
        assert (await _login(http, "u7@example.com", PASSWORD)).status_code == 303


async def test_lockouts_double_and_failures_are_forgotten(api: App) -> None:
    now = [datetime(2026, 12, 4, 12, 0, tzinfo=UTC)]
    throttle = LoginThrottle(api.db, clock=lambda: now[0])
    keys = LoginThrottle.keys("A@example.com ", "10.9.0.1")
    for _ in range(4):
        await throttle.failed(*keys)
    assert await throttle.retry_after(*keys) == 0
    await throttle.failed(*keys)
    assert await throttle.retry_after(*keys) == BASE_LOCKOUT_S
    now[0] += timedelta(seconds=BASE_LOCKOUT_S)
    await throttle.failed(*keys)  # the sixth failure: twice as long
    assert await throttle.retry_after(*keys) == 2 * BASE_LOCKOUT_S
    now[0] += timedelta(seconds=FORGET_AFTER_S + 1)
    assert await throttle.retry_after(*keys) == 0
    await throttle.failed(*keys)
    assert await throttle.retry_after(*keys) == 0  # counting starts over
    await throttle.succeeded(keys[0])
    assert await throttle.retry_after(keys[0]) == 0


async def test_every_api_process_counts_the_same_failures(api: App) -> None:
    """Two API processes on one database: guesses spread over them add up (they counted apart before)."""
    other = App(create_app(api.settings, db=api.db), api.manager_key, api.db, api.settings)
    for n, app in enumerate([api, other, api, other, other]):
        async with app.client(f"10.3.0.{n}") as http:
            assert (await _login(http, "u8@example.com", "wrong")).status_code == 401
    for app in (api, other):
        async with app.client("10.3.1.1") as http:
            locked = await _login(http, "u8@example.com", PASSWORD)
        assert locked.status_code == 429 and 0 < int(locked.headers["retry-after"]) <= BASE_LOCKOUT_S
    async with api.db.session() as session:
        row = await session.get(LoginFailure, "account:u8@example.com")
    assert row is not None and row.count == 5


# --- headers and the front end ----------------------------------------------------------------------


async def test_security_headers(api: App) -> None:
    async with api.client() as http:
        page = await http.get("/login")
        script = await http.get("/static/js/app.js")
        queue = await http.get("/api/workflows/queue", headers={"X-API-Key": "nope"})
    for response in (page, script, queue):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    assert page.headers["cache-control"] == "no-store" and queue.headers["cache-control"] == "no-store"
    assert "no-store" not in script.headers.get("cache-control", "")
    assert "strict-transport-security" not in page.headers  # plain HTTP in development
    assert '"allowEval": false, "allowScriptTags": false' in page.text


def test_templates_have_no_inline_scripts_or_handlers() -> None:
    """The CSP blocks them: behaviour lives in web/static/js."""
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert "javascript:" not in text and "hx-on" not in text, template


# --- CSV and numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=HYPERLINK(1)", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_formula_guard(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


def test_csv_guard_leaves_plain_values() -> None:
    assert [safe_cell(v) for v in ("Jane", "", 12, -3, None)] == ["Jane", "", 12, -3, None]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/workflows/queue?offset=1e20", None),
        ("GET", "/api/workflows/queue?offset=99999999999", None),
        ("GET", "/api/runs/r-1?after=99999999999", None),
        ("GET", "/api/journeys/welcome-series?version=99999999999", None),
        ("GET", "/api/journeys/welcome-series/analytics?version=99999999999", None),
        ("DELETE", "/admin/suppression/99999999999", None),
        ("POST", "/api/inbox/messages/99999999999/rating", {"rating": 5}),
        ("POST", "/api/inbox/messages/1/rating", {"rating": True}),
        ("POST", "/api/control/budget", {"usd": False}),
        ("PATCH", "/api/agents/a/settings", {"max_iterations": True}),
    ],
)
async def test_out_of_range_numbers_are_422(api: App, method: str, path: str, body: object) -> None:
    async with api.client() as http:
        response = await http.request(method, path, json=body, headers={"X-API-Key": api.manager_key})
    assert response.status_code == 422, response.text


def test_journey_templates_substitute_only_plain_names() -> None:
    """No str.format: a format spec would allocate gigabytes, attribute access would read internals."""
    lead = LeadSnapshot(id="L1", first_name="Jo", timezone="America/New_York", created_at=datetime.now(UTC))
    assert render("Hi {first_name}, {club}: {booking_link}", lead, "Gym", "https://b") == "Hi Jo, Gym: https://b"
    for hostile in ("{first_name:>2000000000}", "{first_name.__class__}", "{first_name!r}", "{0}", "{}"):
        assert render(hostile, lead, "Gym", "https://b") == hostile
    assert render("{{not a field}} {unknown} {region}", lead, "Gym", "") == "{not a field} {unknown} "
