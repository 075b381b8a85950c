"""The run projection: a finished run stays finished whatever publish of the same state lands after it."""

from __future__ import annotations

import uuid
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
