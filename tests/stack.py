"""The whole system inside the test process: sandbox and API on real loopback
ports, a worker on its own task queue, SQLite, and the session's Temporal server."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.worker import Worker

from api.app import create_app
from api.signatures import sign
from core.settings import VARIABLES, Settings, lookup, merged, nested
from db.engine import Database
from db.migrate import upgrade
from devstack.seed import DEMO_PASSWORD, seed_users
from llm.base import Analyst
from sandbox.app import create_app as create_sandbox_app
from sandbox.models import Account
from sandbox.settings import SandboxSettings
from sandbox.testing import make_settings as make_sandbox_settings
from worker import activity_set, build_worker

T = TypeVar("T")


# The values Renubu and the sandbox share (credentials, signing secrets), read from the same variables: the sandbox's
# field -> Renubu's setting. Not the data directory: each test says where, if anywhere, the sandbox keeps its state.
SHARED = {
    name: VARIABLES[f"RENUBU_{name.upper()}"]
    for name in SandboxSettings.model_fields
    if f"RENUBU_{name.upper()}" in VARIABLES and name != "data_dir"
}


def make_settings(**overrides: Any) -> Settings:
    """Renubu's settings pinned to known values, so a developer's environment or .env cannot change test
    results, with the credentials and secrets of the sandbox's test settings. No metrics endpoints unless
    asked for (tests run side by side, and beside `./dev up`). Overrides by group: make_settings(api={...})."""
    sandbox = make_sandbox_settings()
    pinned = nested({path: getattr(sandbox, name) for name, path in SHARED.items()}) | {"env": "dev"}
    pinned["observability"] = {"api_metrics_port": 0, "worker_metrics_port": 0}
    # Tests share one club all day long: the agents' daily limits would make results depend on test order, so
    # they are out of reach here; the tests of those limits set them on their own worker.
    pinned["agents"] = {"door_changes_per_day": 10_000, "recipients_per_day": 100_000}
    pinned["agents"] |= {"messages_per_member_per_day": 1_000}
    return Settings(_env_file=None, **merged(pinned, overrides))


def sandbox_settings_for(settings: Settings, **own: Any) -> SandboxSettings:
    """The sandbox's test settings agreeing with Renubu's `settings` on every shared value."""
    return make_sandbox_settings(**{name: lookup(settings, path) for name, path in SHARED.items()}, **own)


def _socket() -> tuple[socket.socket, int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock, sock.getsockname()[1]


@asynccontextmanager
async def serve(app: FastAPI, sock: socket.socket) -> AsyncIterator[None]:
    # The server keeps idle connections longer than httpx's 5 s keep-alive expiry, so the client always
    # closes first: otherwise a request sent as the server closes an idle connection fails with ReadError.
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_keep_alive=60)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        await task


async def wait_for(check: Callable[[], Awaitable[T | None]], timeout: float = 20.0, what: str = "condition") -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


@dataclass
class LocalStack:
    settings: Settings
    db: Database
    client: Client
    api_url: str
    sandbox_url: str
    sandbox_app: FastAPI

    @property
    def sandbox(self) -> Any:
        return self.sandbox_app.state.sandbox

    def account(self, key: str) -> Account:
        account = self.sandbox.data.account_by_key(key)
        assert account is not None, key
        return account

    def set_account(self, key: str, *, renewal_in_days: int | None = None, **fields: Any) -> Account:
        """Change the sandbox's Salesforce record (what enrichment will read)."""
        account = self.account(key)
        if renewal_in_days is not None:
            today = datetime.now(UTC).date()
            self.sandbox.data.set_renewal_date(account, today + timedelta(days=renewal_in_days), datetime.now(UTC))
        for name, value in fields.items():
            setattr(account, name, value)
        return account

    def healthy_account(self, index: int) -> str:
        """The index-th account with no open cases, made healthy (the offline analyser
        then scores it low, so the signal's risk decides the stage)."""
        data = self.sandbox.data
        keys = [a.key for a in data.accounts if not data.open_cases(a.id) and a.key != "acme-corp"]
        account = self.account(keys[index])
        profile = account.profile
        profile.trend_pct, profile.engagement_score, profile.nps, profile.qbr_status = (
            8.0,
            85,
            45,
            "completed",
        )
        profile.baseline_utilization = 0.85
        return account.key

    def webhook(
        self,
        customer: str,
        *,
        risk: int | None = None,
        event_id: str | None = None,
        secret: str | None = None,
        timestamp: int | None = None,
        **signals: Any,
    ) -> tuple[bytes, dict[str, str]]:
        account = self.account(customer)
        payload = {
            "event_id": event_id or f"evt_test_{uuid.uuid4().hex[:16]}",
            "type": "customer.risk_signal",
            "occurred_at": datetime.now(UTC).isoformat(),
            "customer": {"id": customer, "name": account.name},
            "signals": {"risk_score": risk, **signals},
        }
        body = json.dumps(payload).encode()
        ts = timestamp or int(time.time())
        key = secret or self.settings.active.webhook_secret.get_secret_value()
        return body, {
            "content-type": "application/json",
            "x-active-timestamp": str(ts),
            "x-active-signature": sign(key, ts, body),
        }

    async def set_faults(self, service: str, **faults: Any) -> None:
        async with httpx.AsyncClient(base_url=self.sandbox_url) as http:
            response = await http.put(
                "/_sandbox/faults", json={service: faults}, headers={"X-Sandbox-Admin": "sandbox-admin"}
            )
            response.raise_for_status()

    async def sandbox_admin(self, method: str, path: str, **kwargs: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.sandbox_url) as http:
            response = await http.request(method, path, headers={"X-Sandbox-Admin": "sandbox-admin"}, **kwargs)
            response.raise_for_status()
            return response.json() if response.content else None

    async def post_signal(self, customer: str, **kwargs: Any) -> httpx.Response:
        body, headers = self.webhook(customer, **kwargs)
        async with httpx.AsyncClient(base_url=self.api_url) as http:
            return await http.post("/webhooks/active/customer-update", content=body, headers=headers)

    async def projection(self, workflow_id: str) -> Any:
        from db import renewal_projection

        async with self.db.session() as session:
            return await renewal_projection.get(session, workflow_id)

    async def wait_projection(
        self, workflow_id: str, check: Callable[[Any], bool] = bool, timeout: float = 30.0
    ) -> Any:
        """Wait for the row the renewal workflow itself wrote (seq > 0: past the
        assignment placeholder) that passes `check`."""

        async def probe() -> Any:
            row = await self.projection(workflow_id)
            return row if row is not None and row.seq > 0 and check(row) else None

        return await wait_for(probe, timeout, f"projection of {workflow_id}")

    @asynccontextmanager
    async def browser_session(self, email: str, password: str = DEMO_PASSWORD) -> AsyncIterator[httpx.AsyncClient]:
        """An HTTP client logged in through the real login form, sending the CSRF token."""
        async with httpx.AsyncClient(base_url=self.api_url, follow_redirects=False, timeout=60) as http:
            page = await http.get("/login")
            token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
            assert token, "login page has no CSRF token"
            response = await http.post(
                "/login",
                data={"email": email, "password": password, "next": "/", "csrf_token": token.group(1)},
            )
            assert response.status_code == 303, response.text
            page = await http.get("/login")  # the token rotates on login
            token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
            assert token
            http.headers["X-CSRF-Token"] = token.group(1)
            yield http


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as RENUBU_* environment variables, for a worker in another process."""
    env: dict[str, str] = {}
    for name, path in VARIABLES.items():
        value = lookup(settings, path)
        if value is None or name == "ANTHROPIC_API_KEY":
            continue
        raw = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        env[name] = str(raw)
    return env


@asynccontextmanager
async def worker_for(
    settings: Settings, client: Client, db: Database, analyst: Analyst | None = None, planner: Any = None
) -> AsyncIterator[Worker]:
    async with activity_set(settings, client, db=db, analyst=analyst, planner=planner) as activities:
        worker = build_worker(client, settings, activities, db)
        async with worker:
            yield worker


@asynccontextmanager
async def running_stack(
    client: Client, data_dir: Path, *, with_worker: bool = True, tracing: Any = None, **overrides: Any
) -> AsyncIterator[LocalStack]:
    """`tracing`: a TracerProvider for the API's requests (pass a client traced with it too)."""
    api_sock, api_port = _socket()
    sandbox_sock, sandbox_port = _socket()
    api_url, sandbox_url = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{sandbox_port}"
    probe, smtp_port = _socket()
    probe.close()
    settings = make_settings(
        data_dir=data_dir,
        database={"url": f"sqlite+aiosqlite:///{data_dir / 'renubu.db'}"},
        temporal={
            "address": client.service_client.config.target_host,
            "task_queue": f"renubu-test-{uuid.uuid4().hex[:8]}",
        },
        api={"public_url": api_url},
        salesforce={"base_url": f"{sandbox_url}/salesforce"},
        active={"base_url": f"{sandbox_url}/active"},
        clubos={"base_url": f"{sandbox_url}/clubos"},
        notify={"smtp_host": "127.0.0.1", "smtp_port": smtp_port},
    ).updated(**overrides)
    sandbox_settings = sandbox_settings_for(
        settings,
        data_dir=data_dir,  # sandbox.db beside renubu.db
        active_webhook_url=f"{api_url}/webhooks/active/customer-update",
        clubos_webhook_url=f"{api_url}/webhooks/clubos/messages",
        engagement_webhook_url=f"{api_url}/webhooks/events",
        lead_intake_url=f"{api_url}/webhooks/lead",
    )
    await upgrade(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    sandbox_app = create_sandbox_app(sandbox_settings, smtp_port=smtp_port)
    api_app = create_app(settings, db=db, temporal_factory=lambda: _same(client), tracing=tracing)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(serve(sandbox_app, sandbox_sock))
        await stack.enter_async_context(serve(api_app, api_sock))
        await seed_users(settings, db)
        if with_worker:
            await stack.enter_async_context(worker_for(settings, client, db))
        yield LocalStack(settings, db, client, api_url, sandbox_url, sandbox_app)
    await db.dispose()


async def _same(client: Client) -> Client:
    return client
