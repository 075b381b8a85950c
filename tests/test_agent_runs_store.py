"""The run projection: a finished run stays finished whatever publish of the same state lands after it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from db import agent_runs_store
from db.engine import Database
from db.models import Agent


def _run(run_id: str, status: str, seq: int) -> dict[str, Any]:
    return {"id": run_id, "agent_id": "store_test", "trigger": "manual", "status": status, "planner": "offline",
            "dry_run": False, "tools_used": [], "seq": seq}  # fmt: skip


async def test_a_late_running_publish_does_not_reopen_a_finished_run(any_db: Database) -> None:
    run_id = f"run-{uuid.uuid4().hex[:8]}"
    async with any_db.transaction() as s:
        if await s.get(Agent, "store_test") is None:
            s.add(Agent(id="store_test", name="Store test", goal="-", schedule={"every_minutes": 60}))
    for status, seq in [("running", 3), ("succeeded", 7), ("running", 7), ("running", 5)]:
        async with any_db.transaction() as s:
            await agent_runs_store.upsert_run(s, _run(run_id, status, seq))
    async with any_db.session() as s:
        run = await agent_runs_store.get_run(s, run_id)
    assert run is not None and (run.status, run.seq) == ("succeeded", 7)
    async with any_db.transaction() as s:  # a newer publish that finishes it otherwise still counts
        await agent_runs_store.upsert_run(s, _run(run_id, "killed", 8))
    async with any_db.session() as s:
        run = await agent_runs_store.get_run(s, run_id)
    assert run is not None and run.status == "killed"


async def test_only_an_agents_newest_run_can_show_it_as_going(any_db: Database) -> None:
    """An older run left waiting for approval (its workflow timed out) does not outrank a newer one."""
    agent = f"going-{uuid.uuid4().hex[:6]}"
    async with any_db.transaction() as s:
        s.add(Agent(id=agent, name="Going test", goal="-", schedule={"every_minutes": 60}))
    base = datetime(2026, 1, 1, tzinfo=UTC)

    async def add(minutes: int, status: str) -> str:
        run_id = f"run-{uuid.uuid4().hex[:8]}"
        values = _run(run_id, status, 1) | {"agent_id": agent, "started_at": base + timedelta(minutes=minutes)}
        async with any_db.transaction() as s:
            await agent_runs_store.upsert_run(s, values)
        return run_id

    async def going() -> str | None:
        async with any_db.session() as s:
            run = (await agent_runs_store.going_runs(s)).get(agent)
        return run.id if run else None

    await add(0, "waiting_approval")
    await add(5, "succeeded")
    assert await going() is None
    newest = await add(9, "running")
    assert await going() == newest
