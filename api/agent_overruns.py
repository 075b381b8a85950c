"""Agent runs that overran: their execution timeout (settings.agent_run_timeout) let Temporal end them where they
stood, so the run never wrote its own end and its row still says running. The command center lists them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError

from core.settings import Settings
from db import agent_runs_store
from db.engine import Database
from db.models import AgentRun

# How Temporal ended a run that did not end itself, as the command center says it.
ENDED = {
    WorkflowExecutionStatus.TIMED_OUT: "overran its time limit",
    WorkflowExecutionStatus.TERMINATED: "was terminated",
    WorkflowExecutionStatus.FAILED: "failed",
}


@dataclass(frozen=True)
class Overrun:
    run: AgentRun
    what: str  # "overran its time limit"
    ended_at: datetime | None
    limit_h: float


async def overruns(db: Database, client: Client, settings: Settings, limit: int = 20) -> list[Overrun]:
    """Runs still shown as going after their time limit, that Temporal has ended (newest first)."""
    limit_s = settings.agent_run_timeout.total_seconds()
    async with db.session() as session:
        stale = await agent_runs_store.open_runs_started_before(
            session, datetime.now(UTC) - settings.agent_run_timeout, limit
        )

    async def ended(run: AgentRun) -> Overrun | None:
        try:
            desc = await client.get_workflow_handle(run.id).describe()
        except RPCError:  # gone from Temporal (past retention): nothing says how it ended
            return Overrun(run, "overran its time limit", None, limit_s / 3600)
        what = ENDED.get(desc.status) if desc.status is not None else None
        return Overrun(run, what, desc.close_time, limit_s / 3600) if what else None

    return [o for o in await asyncio.gather(*(ended(r) for r in stale)) if o is not None]
