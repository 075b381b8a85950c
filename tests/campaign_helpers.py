"""Helpers for the campaign tests: start runs, find their approvals, read ClubOS."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from temporalio.client import WorkflowHandle

from agent.schedules import seed_agents
from clients.clubos import ClubOSClient
from contracts import ids
from contracts.campaigns import AgentRunInput, AgentSettings
from db import agent_usage
from db.models import Approval, OutboxEntry, RunEvent
from devstack.seed import MANAGER
from tests.stack import LocalStack, wait_for
from workflows.agent_run import AgentRunWorkflow


async def fresh_gym(stack: LocalStack) -> None:
    await seed_agents(stack.db)
    await stack.sandbox_admin("POST", "/_sandbox/clubos/reset")


async def start_run(
    stack: LocalStack, agent_id: str, task_queue: str | None = None, **settings: Any
) -> WorkflowHandle[Any, str]:
    run_settings = AgentSettings(**{"max_iterations": 6, "approval_ttl_s": 3600, **settings})
    return await stack.client.start_workflow(
        AgentRunWorkflow.run,
        AgentRunInput(agent_id=agent_id, trigger="manual", settings=run_settings),
        id=f"{ids.agent_run(agent_id)}-test-{uuid.uuid4().hex[:8]}",
        task_queue=task_queue or stack.settings.temporal.task_queue,
    )


async def pending_approval(stack: LocalStack, run_id: str, timeout: float = 30) -> Approval:
    async def probe() -> Approval | None:
        async with stack.db.session() as session:
            return await session.scalar(
                select(Approval).where(Approval.workflow_id == run_id, Approval.status == "pending")
            )

    return await wait_for(probe, timeout, f"an approval request from {run_id}")


async def decide(stack: LocalStack, approval_id: str, email: str = MANAGER[0], **body: Any) -> Any:
    async with stack.browser_session(email) as http:
        return await http.post(f"/api/approvals/{approval_id}/decide", json=body)


async def locked_members(stack: LocalStack) -> set[str]:
    async with ClubOSClient.from_settings(stack.settings) as clubos:
        return {m.id for m in await clubos.list_members(door_access="locked")}


async def thread(stack: LocalStack, run_id: str) -> list[RunEvent]:
    async with stack.db.session() as session:
        return list(await session.scalars(select(RunEvent).where(RunEvent.run_id == run_id).order_by(RunEvent.seq)))


async def outbox_rows(stack: LocalStack, run_id: str) -> list[OutboxEntry]:
    async with stack.db.session() as session:
        return list(await session.scalars(select(OutboxEntry).where(OutboxEntry.workflow_id == run_id)))


async def agent_today(stack: LocalStack, agent: str) -> tuple[int, int]:
    """(door changes, messages) by `agent` so far today: other tests share the database, limits count from here."""
    async with stack.db.session() as session:
        return await agent_usage.agent_counts(session, agent, club_day(stack))


def club_day(stack: LocalStack) -> datetime:
    return datetime.now(ZoneInfo(stack.settings.club.timezone)).replace(hour=0, minute=0, second=0, microsecond=0)
